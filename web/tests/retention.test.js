import { describe, expect, test } from 'vitest';
import { cohortCells, laterCampaigns, nextInSeries, renewalFunnel } from '../src/lib/retention.js';

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
  test('the funnel narrows from the base to the renewed', () => {
    const f = renewalFunnel({ base: 177, active: 120, renewed: 60, stayed: 87 });
    expect(f.map((s) => s.key)).toEqual(['base', 'active', 'kept', 'renewed']);
    expect(f.map((s) => s.value)).toEqual([177, 120, 147, 60]);
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
