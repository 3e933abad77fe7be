import { describe, expect, test } from 'vitest';
import { groupHints, hintSources } from '../src/lib/hints.js';

const hint = (field, value, confidence, checkin, kind) =>
  ({ field, value, confidence, source: { checkin_id: checkin, line: 0, kind } });
const t = (key) => ({ 'leads.fromPhoto': '照片', 'leads.fromText': '文字' })[key];

describe('hints on a lead card', () => {
  test('one entry per field and value, with where it was seen', () => {
    const grouped = groupHints([
      hint('grade', '六年级', 0.83, '5', 'photo'),
      hint('grade', '六年级', 0.81, '9', 'text'),
      hint('city', '深圳', 0.93, '5', 'photo'),
      hint('grade', '六年级', 0.81, '12', 'text'),
      hint('grade', '五年级', 0.4, '3', 'text'),
    ]);
    expect(grouped.map((g) => `${g.field}:${g.value}`)).toEqual(['grade:六年级', 'city:深圳', 'grade:五年级']);
    expect(grouped[0]).toMatchObject({ confidence: 0.83, photos: ['5'], texts: ['9', '12'] });
    expect(hintSources(grouped[0], t)).toBe('照片 · 文字 ×2');
    expect(hintSources(grouped[1], t)).toBe('照片');
    expect(hintSources(grouped[2], t)).toBe('文字');
  });
  test('hints without a kind are a photo\'s, as before', () => {
    const [g] = groupHints([{ field: 'city', value: '杭州', confidence: 0.9, source: { checkin_id: '1' } }]);
    expect(g.photos).toEqual(['1']);
    expect(groupHints(undefined)).toEqual([]);
  });
});
