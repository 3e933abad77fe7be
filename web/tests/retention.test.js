import { describe, expect, test } from 'vitest';
import { activeWindow, cohortCells, laterCampaigns, nextInSeries, renewWait, renewalFunnel } from '../src/lib/retention.js';

const camps = [
  { id: '1', series: '阅读', starts_on: '2026-09-26' },
  { id: '3', series: '口语', starts_on: '2026-10-04' },
  { id: '5', series: '阅读', starts_on: '2026-12-01' },
  { id: '2', series: '阅读', starts_on: '2026-10-24' },
];

describe('retention shaping', () => {
  test('the next campaign is the following one in the same series', () => {
    expect(nextInSeries(camps[0], camps).id).toBe('2');
    expect(nextInSeries(camps[3], camps).id).toBe('5');
    expect(nextInSeries(camps[2], camps)).toBeNull();
    expect(nextInSeries(camps[1], camps)).toBeNull();
  });
  test('only campaigns starting later are offered to renew into, of any series', () => {
    expect(laterCampaigns(camps[3], camps).map((c) => c.id)).toEqual(['5']);
    expect(laterCampaigns(camps[0], camps).map((c) => c.id)).toEqual(['3', '2', '5']);
    expect(laterCampaigns(camps[2], camps)).toEqual([]);
    expect(laterCampaigns(null, camps)).toEqual([]);
  });
  const window = { active_from: '2026-12-14T00:00:00+08:00', active_to: '2027-01-03T23:59:59+08:00' };
  test('the funnel narrows from the base to the renewed', () => {
    const f = renewalFunnel({ base: 177, active: 120, renewed: 60, stayed: 87, ...window,
                              as_of: '2027-01-04T09:00:00+08:00' });
    expect(f.map((s) => s.key)).toEqual(['base', 'active', 'kept', 'renewed']);
    expect(f.map((s) => s.value)).toEqual([177, 120, 147, 60]);
  });
  test('before the activity window begins, activity is not a stage of the funnel', () => {
    const r = { base: 114, active: 0, renewed: 1, stayed: 103, ...window };
    // The next campaign starts in a week: nobody could be active in it yet.
    const early = { ...r, as_of: '2026-12-07T14:35:40+08:00' };
    expect(activeWindow(early)).toBe('upcoming');
    expect(renewalFunnel(early).map((s) => s.key)).toEqual(['base', 'kept', 'renewed']);
    // Zones count: 23:59 in Shanghai on the 13th is before midnight there.
    expect(activeWindow({ ...r, as_of: '2026-12-13T15:59:59Z' })).toBe('upcoming');
    expect(activeWindow({ ...r, as_of: '2026-12-13T16:00:00Z' })).toBe('open');
    expect(activeWindow({ ...r, as_of: '2027-01-03T23:59:59+08:00' })).toBe('open');
    expect(activeWindow({ ...r, as_of: '2027-01-04T00:00:00+08:00' })).toBe('closed');
  });
  test('cohorts become heat-map cells in percent', () => {
    const { rows, cols, cells } = cohortCells([
      { name: '第1期', later_rates: [0.3929, 0.1] },
      { name: '第2期', later_rates: [0.25] },
      { name: '第3期', later_rates: [] },
    ]);
    expect(rows).toEqual(['第1期', '第2期', '第3期']);
    expect(cols).toEqual([1, 2]);
    expect(cells).toEqual([[0, 0, 39.3], [1, 0, 10], [0, 1, 25]]);
  });
});

describe('renewWait', () => {
  test('says how long after (or before) the end the median renewal came', () => {
    expect(renewWait(9.937)).toEqual({ key: 'after', days: 9.9 });
    expect(renewWait(-2.04)).toEqual({ key: 'before', days: 2 });
    expect(renewWait(0)).toEqual({ key: 'after', days: 0 });
    expect(renewWait(null)).toEqual({ key: 'none', days: 0 });
  });
});
