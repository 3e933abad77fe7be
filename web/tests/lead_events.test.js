import { describe, expect, test } from 'vitest';
import { createI18n } from 'vue-i18n';
import zh from '../src/i18n/zh-CN.js';
import { eventNote } from '../src/lib/lead_events.js';

const t = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh } }).global.t;

describe('lead history notes', () => {
  test('the server notes on its own events read in Chinese', () => {
    expect(eventNote({ kind: 'created', note: 'score 51.9' }, t)).toBe('评分 51.9');
    expect(eventNote({ kind: 'created', note: 'score 60' }, t)).toBe('评分 60');
    expect(eventNote({ kind: 'sla_release', note: 'not contacted within the SLA' }, t)).toBe('');
    expect(eventNote({ kind: 'owner_release', note: 'its rep was disabled or is no longer in sales' }, t)).toBe('');
    expect(eventNote({ kind: 'assign', note: 'round_robin to user 5' }, t)).toBe('分配方式：轮流');
    expect(eventNote({ kind: 'assign', note: 'capacity to user 7' }, t)).toBe('分配方式：按剩余容量');
    expect(eventNote({ kind: 'lost_return', note: '3 check-ins since it was lost (lost_reason was 价格太高)' }, t))
      .toBe('流失后又打卡 3 次（当时的流失原因：价格太高）');
    expect(eventNote({ kind: 'follow_up', note: '' }, t)).toBe('不安排');
    expect(eventNote({ kind: 'follow_up', note: '2026-12-08T10:00:00+08:00' }, t)).toBe('约 2026-12-08 10:00 再联系');
  });
  test('a rep note, or a note the page does not know, is shown as written', () => {
    expect(eventNote({ kind: 'status', note: '家长说下周再聊 score 1' }, t)).toBe('家长说下周再聊 score 1');
    expect(eventNote({ kind: 'note', note: 'score 51.9' }, t)).toBe('score 51.9');
    expect(eventNote({ kind: 'assign', note: '手工指派' }, t)).toBe('手工指派');
  });
});
