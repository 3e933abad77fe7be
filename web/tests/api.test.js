import { describe, expect, test, vi } from 'vitest';
import { ApiError, allPages, createApi } from '../src/lib/api.js';

function reply(status, body) {
  return Promise.resolve({ ok: status < 400, status, text: () => Promise.resolve(JSON.stringify(body)) });
}

describe('api client', () => {
  test('unwraps the envelope and sends the bearer token and JSON', async () => {
    const fetchImpl = vi.fn(() => reply(200, { code: 0, msg: 'ok', data: { id: '7' }, request_id: 'r1' }));
    const api = createApi({ getToken: () => 'tok', fetchImpl });
    expect(await api.post('/campaigns', { name: '第1期' })).toEqual({ id: '7' });
    const [url, init] = fetchImpl.mock.calls[0];
    expect(url).toBe('/api/v1/campaigns');
    expect(init.headers.Authorization).toBe('Bearer tok');
    expect(init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body)).toEqual({ name: '第1期' });
  });
  test('takes the server\'s own absolute API paths as they are', async () => {
    const fetchImpl = vi.fn(() => Promise.resolve({ ok: true, status: 200, blob: () => 'png' }));
    const api = createApi({ fetchImpl });
    expect(await api.blob('/api/v1/leads/3/photos/9')).toBe('png');
    expect(await api.blob('/checkins/9/photo')).toBe('png');
    expect(fetchImpl.mock.calls.map((c) => c[0])).toEqual(['/api/v1/leads/3/photos/9', '/api/v1/checkins/9/photo']);
  });
  test('drops empty query values and encodes the rest', async () => {
    const fetchImpl = vi.fn(() => reply(200, { code: 0, data: {} }));
    await createApi({ fetchImpl }).get('/cohorts', { series: '亲子 阅读', cursor: '', mine: null });
    expect(fetchImpl.mock.calls[0][0]).toBe('/api/v1/cohorts?series=%E4%BA%B2%E5%AD%90+%E9%98%85%E8%AF%BB');
  });
  test('an error envelope becomes an ApiError with the message and field', async () => {
    const fetchImpl = () => reply(400, { code: 40001, msg: 'days must be 1–366', data: { field: 'days' }, request_id: 'r2' });
    const err = await createApi({ fetchImpl }).post('/campaigns', {}).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.code).toBe(40001);
    expect(err.message).toBe('days must be 1–366');
    expect(err.field).toBe('days');
    expect(err.requestId).toBe('r2');
  });
  test('describe() puts the kind of error before the server words', async () => {
    const fetchImpl = () => reply(409, { code: 40901, msg: 'the day is already checked in', data: null });
    const describe = (code, msg) => `[${code}] ${msg}`;
    await expect(createApi({ fetchImpl, describe }).post('/mp/checkins', {}))
      .rejects.toThrow('[40901] the day is already checked in');
  });
  test('a 401 calls the expiry handler', async () => {
    const onUnauthorized = vi.fn();
    const fetchImpl = () => reply(401, { code: 40101, msg: 'session expired', data: null });
    await expect(createApi({ fetchImpl, onUnauthorized }).get('/auth/me')).rejects.toThrow('session expired');
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });
  test('a body that is not the envelope is an error, not data', async () => {
    const fetchImpl = () => Promise.resolve({ ok: true, status: 200, text: () => Promise.resolve('<html>') });
    await expect(createApi({ fetchImpl }).get('/x')).rejects.toBeInstanceOf(ApiError);
  });
  test('a network failure is an ApiError with status 0', async () => {
    const fetchImpl = () => Promise.reject(new Error('connection refused'));
    const err = await createApi({ fetchImpl }).get('/x').catch((e) => e);
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/connection refused/);
  });
  test('text bodies keep their content type; form data sets none', async () => {
    const fetchImpl = vi.fn(() => reply(200, { code: 0, data: {} }));
    const api = createApi({ fetchImpl });
    await api.post('/groups/1/rosters', 'nickname\n小明\n', { contentType: 'text/csv; charset=utf-8' });
    expect(fetchImpl.mock.calls[0][1].headers['Content-Type']).toBe('text/csv; charset=utf-8');
    expect(fetchImpl.mock.calls[0][1].body).toBe('nickname\n小明\n');
    await api.post('/mp/checkins', new FormData());
    expect(fetchImpl.mock.calls[1][1].headers['Content-Type']).toBeUndefined();
  });
  test('allPages follows the cursor to the last page', async () => {
    const pages = { '': { items: [1, 2], next_cursor: '2' }, 2: { items: [3], next_cursor: null } };
    const api = { get: vi.fn((path, params) => Promise.resolve(pages[params.cursor])) };
    expect(await allPages(api, '/contents', {}, { limit: 2 })).toEqual([1, 2, 3]);
    expect(api.get.mock.calls.map((c) => c[1])).toEqual([{ limit: 2, cursor: '' }, { limit: 2, cursor: '2' }]);
    const endless = { get: vi.fn(() => Promise.resolve({ items: [0], next_cursor: 'x' })) };
    expect(await allPages(endless, '/x', {}, { maxPages: 3 })).toEqual([0, 0, 0]);
  });
});
