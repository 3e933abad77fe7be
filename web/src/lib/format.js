// Pure formatting helpers shared by the pages (tested in tests/format.test.js).

// 9900 fen → "¥99.00"; null → "—".
export function yuan(fen) {
  if (fen === null || fen === undefined || Number.isNaN(Number(fen))) return '—';
  const v = Number(fen) / 100;
  return `¥${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

// 0.3929 → "39.3%"; null → "—".
export function percent(rate, digits = 1) {
  if (rate === null || rate === undefined || Number.isNaN(Number(rate))) return '—';
  return `${(Number(rate) * 100).toFixed(digits)}%`;
}

// "71 / 140 (51%)": how many of `whole` did something; "—" when `part` is
// unknown, and no share of nobody.
export function share(part, whole) {
  if (part === null || part === undefined) return '—';
  if (!whole) return `${part} / 0`;
  return `${part} / ${whole} (${percent(part / whole, 0)})`;
}

// Yuan typed by a person ("1,280.5") → fen (128050); NaN when not a number.
export function toFen(text) {
  const cleaned = String(text ?? '').replace(/[,，\s¥￥]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return Number.NaN;
  const [whole, frac = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number((frac + '00').slice(0, 2));
}

// "2026-11-23T04:02:31+08:00" → "2026-11-23 04:02" (as written, no zone shift).
export function shortTime(rfc3339) {
  if (!rfc3339) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(rfc3339);
  return m ? `${m[1]} ${m[2]}` : rfc3339;
}

// Element Plus tag types for a lead tier (A1 … C3) and a lead status.
export function tierType(tier) {
  if (!tier) return 'info';
  return { A: 'danger', B: 'warning', C: 'info' }[tier[0]] ?? 'info';
}
export function statusType(status) {
  return { new: 'info', assigned: 'primary', contacted: 'warning', qualified: 'warning',
           won: 'success', lost: 'danger' }[status] ?? 'info';
}

// The statuses a rep may move an open lead to (the server enforces the rest).
export const kLeadStatuses = ['assigned', 'contacted', 'qualified', 'won', 'lost'];

// The status a lead card's form starts at: the lead's own, so that a note
// or a follow-up saved alone does not move it (a qualified lead was put back
// to contacted); "contacted" for a lead not yet called.
export function formStatus(status) {
  return status === 'new' || status === 'assigned' ? 'contacted' : status;
}

// Today's date as YYYY-MM-DD in the browser's zone.
export function isoToday(now = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

// A Date as RFC 3339 in the browser's zone: "2026-12-06T10:00:00+08:00".
export function rfc3339Local(date) {
  const p = (n) => String(Math.abs(n)).padStart(2, '0');
  const off = -date.getTimezoneOffset();
  return `${isoToday(date)}T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}` +
    `${off >= 0 ? '+' : '-'}${p(Math.trunc(off / 60))}:${p(off % 60)}`;
}

// The last second of `now`'s day, as RFC 3339: "due today" includes overdue.
export function endOfDay(now = new Date()) {
  return rfc3339Local(new Date(now.getFullYear(), now.getMonth(), now.getDate(), 23, 59, 59));
}

// Whether an RFC 3339 time has passed.
export function isPast(rfc3339, now = new Date()) {
  return !!rfc3339 && Date.parse(rfc3339) < now.getTime();
}

// Saves a Blob (a CSV export) as a file through a temporary link.
export function saveBlob(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

// Runs `fn` with the `busy` ref (optional) set meanwhile and the `error`
// ref cleared first; a failure's message lands in `error`. Returns what
// `fn` returns, or undefined when it threw.
export async function attempt(busy, error, fn) {
  if (busy) busy.value = true;
  error.value = '';
  try {
    return await fn();
  } catch (e) {
    error.value = e.message;
    return undefined;
  } finally {
    if (busy) busy.value = false;
  }
}

// Wraps an async loader so that only the newest call's answer counts:
// a list whose filter or tab changes twice sends two requests, and the
// answer to the first may arrive last. Each call resolves to { current, value };
// `current` is false when a newer call was made meanwhile.
export function latestOnly(load) {
  let newest = 0;
  return async (...args) => {
    const mine = ++newest;
    const value = await load(...args);
    return { current: mine === newest, value };
  };
}

// Text made safe to put in HTML: chart tooltips are HTML, and campaign,
// theme and series names are whatever an operator typed.
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
