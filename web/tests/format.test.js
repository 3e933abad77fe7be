import { describe, expect, test } from 'vitest';
import { attempt, endOfDay, escapeHtml, formStatus, isoToday, isPast, latestOnly, percent, rfc3339Local, share, shortTime, statusType, tierType, toFen, yuan } from '../src/lib/format.js';

describe('format', () => {
  test('fen are shown as yuan with two decimals and separators', () => {
    expect(yuan(9900)).toBe('¥99.00');
    expect(yuan(128000)).toBe('¥1,280.00');
    expect(yuan(5)).toBe('¥0.05');
    expect(yuan(null)).toBe('—');
  });
  test('typed yuan become whole fen without float error', () => {
    expect(toFen('1280')).toBe(128000);
    expect(toFen('1,280.5')).toBe(128050);
    expect(toFen('¥0.07')).toBe(7);
    expect(toFen('19.99')).toBe(1999);
    expect(toFen('1.234')).toBeNaN();
    expect(toFen('abc')).toBeNaN();
    expect(toFen('')).toBeNaN();
    expect(toFen('-5')).toBeNaN();
  });
  test('a share says how many of how many, and its rate', () => {
    expect(share(71, 140)).toBe('71 / 140 (51%)');
    expect(share(0, 3)).toBe('0 / 3 (0%)');
    expect(share(0, 0)).toBe('0 / 0');
    expect(share(undefined, 10)).toBe('—');
  });
  test('rates are percentages with one decimal', () => {
    expect(percent(0.3929)).toBe('39.3%');
    expect(percent(0)).toBe('0.0%');
    expect(percent(null)).toBe('—');
  });
  test('times keep the server offset and drop seconds', () => {
    expect(shortTime('2026-11-23T04:02:31+08:00')).toBe('2026-11-23 04:02');
    expect(shortTime('')).toBe('—');
  });
  test('tiers and statuses map to tag colours', () => {
    expect(tierType('A2')).toBe('danger');
    expect(tierType('C1')).toBe('info');
    expect(statusType('won')).toBe('success');
    expect(statusType('lost')).toBe('danger');
  });
  test('today is the local calendar date', () => {
    expect(isoToday(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
  test('attempt keeps busy set meanwhile and catches into error', async () => {
    const busy = { value: false };
    const error = { value: 'old' };
    let seen;
    const ok = await attempt(busy, error, async () => { seen = busy.value; return 7; });
    expect([ok, seen, busy.value, error.value]).toEqual([7, true, false, '']);
    const bad = await attempt(busy, error, async () => { throw new Error('days must be 1–366'); });
    expect([bad, busy.value, error.value]).toEqual([undefined, false, 'days must be 1–366']);
    await attempt(null, error, async () => 1);
    expect(error.value).toBe('');
  });
});

describe('follow-up times', () => {
  test('a local time is written with its offset and read back as the same instant', () => {
    const d = new Date(2026, 11, 6, 9, 5, 0);
    const text = rfc3339Local(d);
    expect(text).toMatch(/^2026-12-06T09:05:00[+-]\d{2}:\d{2}$/);
    expect(Date.parse(text)).toBe(d.getTime());
  });
  test('due today means up to the last second of the day', () => {
    const end = endOfDay(new Date(2026, 11, 6, 9, 5));
    expect(end.startsWith('2026-12-06T23:59:59')).toBe(true);
  });
  test('a time before now is past; none is never past', () => {
    const now = new Date(2026, 11, 6, 12, 0);
    expect(isPast(rfc3339Local(new Date(2026, 11, 6, 11, 59)), now)).toBe(true);
    expect(isPast(rfc3339Local(new Date(2026, 11, 6, 12, 1)), now)).toBe(false);
    expect(isPast(null, now)).toBe(false);
  });
});

describe('formStatus', () => {
  test('a lead card keeps the lead\'s status, and offers "contacted" for one not called yet', () => {
    expect(formStatus('qualified')).toBe('qualified');
    expect(formStatus('won')).toBe('won');
    expect(formStatus('assigned')).toBe('contacted');
    expect(formStatus('new')).toBe('contacted');
  });
});

describe('latestOnly', () => {
  test('drops the answer to an older call that arrives last', async () => {
    const waits = { slow: null, fast: null };
    const load = latestOnly((name) => new Promise((resolve) => { waits[name] = () => resolve(name); }));
    const first = load('slow');
    const second = load('fast');
    waits.fast();
    waits.slow();
    expect(await second).toEqual({ current: true, value: 'fast' });
    expect(await first).toEqual({ current: false, value: 'slow' });
  });
  test('keeps a lone call', async () => {
    const load = latestOnly(async (x) => x * 2);
    expect(await load(4)).toEqual({ current: true, value: 8 });
  });
});

describe('escapeHtml', () => {
  test('turns markup typed into a name into text', () => {
    expect(escapeHtml('<img src=x onerror="alert(1)">读书&\'会\''))
      .toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;读书&amp;&#39;会&#39;');
    expect(escapeHtml(12)).toBe('12');
  });
});
