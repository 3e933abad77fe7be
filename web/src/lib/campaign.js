// Shaping a campaign's summary for its participants panel (tested in
// tests/campaign.test.js).

// The campaign days one can ask "who missed it" about, latest first: up to
// today while it runs, every day once it has ended, none before it starts.
export function missedDayOptions(summary) {
  if (!summary) return [];
  const days = summary.campaign.days;
  const last = summary.state === 'running' ? summary.today
    : summary.state === 'ended' ? days : 0;
  return Array.from({ length: last }, (_, i) => last - i);
}

// Today's check-ins as "56 / 113", or null when the campaign is not running.
export function todayLine(summary) {
  if (!summary || summary.checked_in_today === null) return null;
  return `${summary.checked_in_today} / ${summary.enrolled}`;
}

// The participants list's path from the panel's filters ('' = any). The
// channel filter's NONE asks for enrollments without a channel, which the
// server reads from an empty `channel=` (the API client drops empty values,
// so the path is built here).
export const NONE = '\u0000none';
export function participantPath(campaignId, { groupId = '', channel = '', missedDay = '' } = {},
                                extra = {}) {
  const q = new URLSearchParams();
  if (groupId) q.set('group_id', groupId);
  if (channel === NONE) q.set('channel', '');
  else if (channel) q.set('channel', channel);
  if (missedDay) q.set('missed_day', String(missedDay));
  for (const [k, v] of Object.entries(extra)) if (v) q.set(k, String(v));
  const qs = q.toString();
  return `/campaigns/${campaignId}/enrollments${qs ? `?${qs}` : ''}`;
}

// The daily chart's series values, with days after `today` (YYYY-MM-DD)
// left out (null) rather than drawn as a 0% rate that has not happened.
export function soFar(days, key, today) {
  return days.map((d) => (d.date > today ? null : d[key]));
}

// The groups an order list for campaign `campaignId` can be put in: its own
// activity groups first, then the standing groups (the server refuses
// another campaign's). `preselect` is its one activity group, or '' (none:
// the rows stay without a group until a roster places them).
export function enrollGroupChoice(groups, campaignId) {
  const own = groups.filter((g) => g.campaign_id === campaignId);
  const standing = groups.filter((g) => g.campaign_id === null);
  return { options: [...own, ...standing], preselect: own.length === 1 ? own[0].id : '' };
}
