import { describe, expect, test } from 'vitest';
import { createI18n } from 'vue-i18n';
import zh from '../src/i18n/zh-CN.js';
import en from '../src/i18n/en.js';
import { candidateFacts, mergeTargets, reviewReason } from '../src/lib/review.js';

const tFor = (messages, locale) =>
  createI18n({ legacy: false, locale, messages: { [locale]: messages } }).global.t;
const zhT = tFor(zh, 'zh-CN');

describe('identity review wording', () => {
  test('says why a row waits, in Chinese', () => {
    expect(reviewReason({ reason_code: 'ambiguous', reason_method: 'nickname', reason_count: 3,
                          reason: 'nickname fits 3 members' }, zhT))
      .toBe('当前昵称同时对上 3 位成员');
    expect(reviewReason({ reason_code: 'ambiguous', reason_method: 'fuzzy', reason_count: 2 }, zhT))
      .toBe('模糊匹配同时对上 2 位成员');
    expect(reviewReason({ reason_code: 'contested', reason_count: 2 }, zhT))
      .toBe('本次名单有 2 行指向同一位成员');
    expect(reviewReason({ reason_code: 'other', reason: 'something new' }, zhT)).toBe('something new');
  });
  test('says it in English too', () => {
    const t = tFor(en, 'en');
    expect(reviewReason({ reason_code: 'contested', reason_count: 2 }, t))
      .toBe('2 rows of this roster point at one member');
  });
  test('tells two members of one nickname apart', () => {
    const seen = candidateFacts({ phone: '138****0003', wechat_id: 'xiaoyu88', campaigns: ['第2期', '第1期'],
                                  last_checkin_at: '2026-11-03T20:15:00+08:00' }, zhT);
    expect(seen).toMatch(/^138\*\*\*\*0003 · 微信号 xiaoyu88 · 第2期、第1期 · 最近打卡 /);
    expect(seen).toContain('11-03');
    expect(candidateFacts({ phone: '', wechat_id: '', campaigns: [], last_checkin_at: null }, zhT))
      .toBe('未报名活动 · 从未打卡');
  });
});

describe('mergeTargets', () => {
  test('leaves out the member itself and records merged away', () => {
    const found = [
      { id: '7', nickname: '王小明妈妈', merged_into: null },
      { id: '9', nickname: '王小明妈妈🌸', merged_into: null },
      { id: '12', nickname: '王小明妈妈', merged_into: '9' },
    ];
    expect(mergeTargets(found, 7).map((m) => m.id)).toEqual(['9']);
    expect(mergeTargets(found, '3').map((m) => m.id)).toEqual(['7', '9']);
  });
});
