import { describe, expect, test } from 'vitest';
import { NONE, enrollGroupChoice, missedDayOptions, participantPath, soFar, todayLine } from '../src/lib/campaign.js';

const summary = (state, today, extra = {}) => ({
  campaign: { days: 21 }, state, today, enrolled: 113, checked_in_today: null, ...extra,
});

describe('missedDayOptions', () => {
  test('lists the days so far, latest first, while the campaign runs', () => {
    expect(missedDayOptions(summary('running', 3))).toEqual([3, 2, 1]);
  });
  test('lists every day once it has ended and none before it starts', () => {
    expect(missedDayOptions(summary('ended', null))).toHaveLength(21);
    expect(missedDayOptions(summary('ended', null))[0]).toBe(21);
    expect(missedDayOptions(summary('upcoming', null))).toEqual([]);
    expect(missedDayOptions(null)).toEqual([]);
  });
});

describe('todayLine', () => {
  test('shows today\'s check-ins over the enrolled, or nothing when not running', () => {
    expect(todayLine(summary('running', 15, { checked_in_today: 56 }))).toBe('56 / 113');
    expect(todayLine(summary('ended', null))).toBeNull();
  });
});

describe('participantPath', () => {
  test('carries only the filters that are set', () => {
    expect(participantPath('4', {})).toBe('/campaigns/4/enrollments');
    expect(participantPath('4', { groupId: '7', missedDay: 15 }, { cursor: '347' }))
      .toBe('/campaigns/4/enrollments?group_id=7&missed_day=15&cursor=347');
  });
  test('encodes a channel and asks for "no channel" with an empty value', () => {
    expect(participantPath('4', { channel: '抖音' })).toBe('/campaigns/4/enrollments?channel=%E6%8A%96%E9%9F%B3');
    expect(participantPath('4', { channel: NONE }, { format: 'csv' }))
      .toBe('/campaigns/4/enrollments?channel=&format=csv');
  });
});

describe('soFar', () => {
  test('leaves the days after today out of the daily chart', () => {
    const days = [{ date: '2026-12-04', rate: 0.5 }, { date: '2026-12-05', rate: 0.2 },
                  { date: '2026-12-06', rate: 0 }];
    expect(soFar(days, 'rate', '2026-12-05')).toEqual([0.5, 0.2, null]);
  });
});

describe('enrollGroupChoice', () => {
  const groups = [
    { id: '1', name: '第1期群', campaign_id: '1' },
    { id: '5', name: '交流群', campaign_id: null },
    { id: '7', name: '第3期群', campaign_id: '5' },
  ];
  test('offers the campaign\'s own groups, then standing ones, and preselects its one activity group', () => {
    const c = enrollGroupChoice(groups, '5');
    expect(c.options.map((g) => g.id)).toEqual(['7', '5']);
    expect(c.preselect).toBe('7');
  });
  test('preselects nothing when the campaign has no group or several', () => {
    expect(enrollGroupChoice(groups, '9').preselect).toBe('');
    expect(enrollGroupChoice([...groups, { id: '8', name: 'B', campaign_id: '5' }], '5').preselect).toBe('');
  });
});
