import { describe, expect, test } from 'vitest';
import { createI18n } from 'vue-i18n';
import zh from '../src/i18n/zh-CN.js';
import en from '../src/i18n/en.js';
import { timelineText } from '../src/lib/timeline.js';

const tFor = (messages, locale) =>
  createI18n({ legacy: false, locale, messages: { [locale]: messages } }).global.t;

// As GET /members/{id}/timeline answers them.
const entries = [
  { kind: 'enrolled', campaign: '英语口语打卡 第2期', paid_fen: 19900, detail: '英语口语打卡 第2期 (19900 fen)' },
  { kind: 'enrolled', campaign: '免费体验营', paid_fen: 0, detail: '免费体验营' },
  { kind: 'checkin', campaign: '英语口语打卡 第2期', day: 14, makeup: true, detail: '英语口语打卡 第2期 day 14 (make-up)' },
  { kind: 'checkin', campaign: '英语口语打卡 第2期', day: 13, makeup: false, detail: '英语口语打卡 第2期 day 13' },
  { kind: 'refunded', campaign: '第1期', reason: '7天无理由退款', detail: '第1期: 7天无理由退款' },
  { kind: 'joined', group: '口语2期群', detail: '口语2期群' },
  { kind: 'renamed', nickname: '小明妈妈', detail: 'was 小明妈妈' },
  { kind: 'feedback', feedback_kind: 'question', text: '怎么补卡？', detail: 'question: 怎么补卡？' },
];

describe('timeline wording', () => {
  test('says each entry in Chinese, with money in yuan and no English left', () => {
    const t = tFor(zh, 'zh-CN');
    const lines = entries.map((e) => timelineText(e, t));
    expect(lines).toEqual([
      '英语口语打卡 第2期 · ¥199.00',
      '免费体验营',
      '英语口语打卡 第2期 第 14 天（补卡）',
      '英语口语打卡 第2期 第 13 天',
      '第1期：7天无理由退款',
      '口语2期群',
      '原昵称：小明妈妈',
      '咨询：怎么补卡？',
    ]);
    for (const l of lines) expect(l).not.toMatch(/day|fen|make-up|was |question/);
  });
  test('says them in English too', () => {
    const t = tFor(en, 'en');
    expect(timelineText(entries[2], t)).toBe('英语口语打卡 第2期, day 14 (make-up)');
    expect(timelineText(entries[0], t)).toBe('英语口语打卡 第2期 · ¥199.00');
  });
  test('falls back to the server line for an entry without its parts', () => {
    const t = tFor(zh, 'zh-CN');
    expect(timelineText({ kind: 'checkin', detail: '第1期 day 2' }, t)).toBe('第1期 day 2');
    expect(timelineText({ kind: 'something_new', detail: 'x' }, t)).toBe('x');
  });
});
