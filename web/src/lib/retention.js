// Shaping retention and cohort data for charts (tested in tests/retention.test.js).

// The campaigns that start after `c`, of any series, earliest first: the
// ones members of `c` can renew into (the server refuses an earlier one).
export function laterCampaigns(c, all) {
  if (!c) return [];
  return all
    .filter((o) => o.id !== c.id && o.starts_on > c.starts_on)
    .sort((a, b) => a.starts_on.localeCompare(b.starts_on));
}

// The campaign after `c` in its series (by start date), or null.
export function nextInSeries(c, all) {
  return laterCampaigns(c, all).find((o) => o.series === c.series) ?? null;
}

// The renewal funnel: the base, those still active in the mini-program,
// those kept (renewed or still in a group), those who renewed.
export function renewalFunnel(r) {
  return [
    { key: 'base', value: r.base },
    { key: 'active', value: r.active },
    { key: 'kept', value: r.renewed + r.stayed },
    { key: 'renewed', value: r.renewed },
  ];
}

// Cohorts (campaign k → k+1, k+2 …) as heat-map cells [col, row, percent].
export function cohortCells(cohorts) {
  const rows = cohorts.map((c) => c.name);
  const width = Math.max(0, ...cohorts.map((c) => c.later_rates.length));
  const cols = Array.from({ length: width }, (_, i) => i + 1);
  const cells = [];
  cohorts.forEach((c, row) => {
    c.later_rates.forEach((rate, col) => cells.push([col, row, Math.round(rate * 1000) / 10]));
  });
  return { rows, cols, cells };
}
