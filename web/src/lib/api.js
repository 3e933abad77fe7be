// The API client: every call goes through `request`, which adds the bearer
// token, unwraps the contract's envelope {code, msg, data, request_id} and
// turns an error envelope into an ApiError carrying the server's message.

export class ApiError extends Error {
  constructor(status, code, message, data, requestId) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.data = data ?? null;
    this.requestId = requestId ?? '';
  }
  // The offending field, when the server named one.
  get field() {
    return this.data && typeof this.data === 'object' ? this.data.field ?? '' : '';
  }
}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

// options: getToken() → token or '', onUnauthorized(error), fetchImpl, and
// describe(code, msg) → the message people see (e.g. the kind of error in
// their language before the server's words).
export function createApi({ base = '/api/v1', getToken = () => '', onUnauthorized = () => {},
                            fetchImpl = (...a) => fetch(...a), describe = (code, msg) => msg } = {}) {
  async function request(method, path, { body, query, contentType, raw = false } = {}) {
    const headers = {};
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload;
    if (body instanceof FormData) {
      payload = body;  // The browser sets the multipart boundary.
    } else if (body !== undefined && contentType) {
      headers['Content-Type'] = contentType;
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res;
    try {
      // Paths the server hands out (a photo_url) already carry the base.
      const full = path.startsWith(`${base}/`) ? path : base + path;
      res = await fetchImpl(withQuery(full, query), { method, headers, body: payload });
    } catch (e) {
      throw new ApiError(0, 0, describe(0, `network error: ${e.message}`));
    }
    if (raw && res.ok) return res;
    const text = await res.text();
    let env = null;
    try {
      env = text ? JSON.parse(text) : null;
    } catch {
      env = null;
    }
    if (!res.ok || !env || env.code !== 0) {
      const code = env?.code ?? res.status * 100 + 1;
      const err = new ApiError(res.status, code, describe(code, env?.msg || `HTTP ${res.status}`),
                               env?.data, env?.request_id);
      if (res.status === 401) onUnauthorized(err);
      throw err;
    }
    return env.data;
  }
  return {
    request,
    get: (path, query) => request('GET', path, { query }),
    post: (path, body, opts = {}) => request('POST', path, { body, ...opts }),
    put: (path, body) => request('PUT', path, { body }),
    patch: (path, body) => request('PATCH', path, { body }),
    del: (path) => request('DELETE', path),
    // Fetches a binary resource (a photo, a CSV export) as a Blob.
    blob: async (path, query) => (await request('GET', path, { query, raw: true })).blob(),
  };
}

// Every item of a cursor-paged list (`{items, next_cursor}`), a page of
// `limit` at a time, up to `maxPages` pages (then what was read).
export async function allPages(api, path, params = {}, { limit = 100, maxPages = 50 } = {}) {
  const items = [];
  let cursor = '';
  for (let page = 0; page < maxPages; ++page) {
    const reply = await api.get(path, { ...params, limit, cursor });
    items.push(...reply.items);
    if (!reply.next_cursor) break;
    cursor = reply.next_cursor;
  }
  return items;
}
