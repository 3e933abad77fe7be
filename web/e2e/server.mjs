// Starts `qunying demo` on a fresh database in `dir`, on a free loopback
// port, and stops it; plus a small API caller for checks beside the page.
import { spawn } from 'node:child_process';
import path from 'node:path';

export async function startServer({ bin, dir, webDir, timeoutMs = 120000 }) {
  const args = ['demo', '--db', path.join(dir, 'q.db'), '--data-dir', path.join(dir, 'data'),
                '--listen', '127.0.0.1:0', '--admin-password', 'e2e-admin-pass-1',
                '--log-file', path.join(dir, 'server.log'), '--web-dir', webDir, '--ocr-workers', '1'];
  const child = spawn(bin, args, { env: { ...process.env, OMP_THREAD_LIMIT: '1' },
                                   stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      // The demo rescores once its photos are read (server/demo.h): wait
      // for it, so that no pass of its lands in the middle of a test.
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m && /Demo (photos read|leads not rescored)/.test(out)) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr.on('data', () => {});  // Tesseract's chatter.
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${out}`)); });
  });
  return {
    base,
    stop: () => new Promise((resolve) => {
      child.removeAllListeners('exit');
      child.on('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

// One API call; the envelope's data, or throws with the server's message.
export async function apiCall(base, method, apiPath, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${base}/api/v1${apiPath}`, {
    method, headers, body: body ? JSON.stringify(body) : undefined,
  });
  const env = await res.json();
  if (!res.ok || env.code !== 0) throw new Error(`${method} ${apiPath}: ${res.status} ${env.msg}`);
  return env.data;
}
