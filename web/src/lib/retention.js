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

// Where the report's activity window [active_from, active_to] stands at
// its as_of: 'upcoming' (not begun: `active` is 0 because nothing could
// have happened yet, not because members left), 'open' (counted so far)
// or 'closed'. The default window is the next campaign's period, so a
// report on a running campaign is 'upcoming' until that one starts.
export function activeWindow(r) {
  const at = Date.parse(r.as_of);
  if (at < Date.parse(r.active_from)) return 'upcoming';
  return at <= Date.parse(r.active_to) ? 'open' : 'closed';
}

// The renewal funnel: the base, those still active in the mini-program
// (left out while the activity window has not begun), those kept
// (renewed or still in a group), those who renewed.
export function renewalFunnel(r) {
  return [
    { key: 'base', value: r.base },
    ...(activeWindow(r) === 'upcoming' ? [] : [{ key: 'active', value: r.active }]),
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

// A cohort's median days to renew as words to say: { key, days } with key
// 'after' (days after the campaign ended), 'before' (renewed while it ran)
// or 'none' (no renewals); days rounded to one decimal, never negative.
export function renewWait(medianDays) {
  if (medianDays === null || medianDays === undefined) return { key: 'none', days: 0 };
  const days = Math.round(Math.abs(medianDays) * 10) / 10;
  return { key: medianDays < 0 ? 'before' : 'after', days };
}
