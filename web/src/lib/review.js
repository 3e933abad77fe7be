// The identity review queue's words (GET /identity/reviews) in the
// reader's language (tested in tests/review.test.js). `t` is vue-i18n's.
import { shortTime } from './format.js';

// Why a roster row waits for a person; the server's English `reason` for a
// reason the page does not know.
export function reviewReason(r, t) {
  if (r.reason_code === 'ambiguous') {
    return t('review.ambiguous', { method: t(`match.${r.reason_method}`, r.reason_method), count: r.reason_count });
  }
  if (r.reason_code === 'contested') return t('review.contested', { count: r.reason_count });
  return r.reason;
}

// What tells a candidate from another of the same nickname: phone (masked
// as the server sends it), 微信号, campaigns, the last check-in.
export function candidateFacts(c, t) {
  const facts = [];
  if (c.phone) facts.push(c.phone);
  if (c.wechat_id) facts.push(t('review.wechatId', { id: c.wechat_id }));
  facts.push(c.campaigns?.length ? c.campaigns.join('、') : t('review.noCampaign'));
  facts.push(c.last_checkin_at ? t('review.lastCheckin', { at: shortTime(c.last_checkin_at) }) : t('review.neverCheckedIn'));
  return facts.join(' · ');
}

// Members a search found that `selfId` can be merged into: not itself, and
// not a record merged away already (its survivor is the one to pick).
export function mergeTargets(found, selfId) {
  return found.filter((m) => m.id !== String(selfId) && !m.merged_into);
}
