// A member's timeline entry (GET /members/{id}/timeline) in the reader's
// language, from its parts; the server's English `detail` where an entry
// has none (a server older than the parts). `t` is vue-i18n's.
import { yuan } from './format.js';

export function timelineText(e, t) {
  switch (e.kind) {
    case 'enrolled':
      if (e.campaign === undefined) break;
      return e.paid_fen > 0 ? t('member.line.enrolledPaid', { campaign: e.campaign, paid: yuan(e.paid_fen) })
        : e.campaign;
    case 'refunded':
      if (e.campaign === undefined) break;
      return e.reason ? t('member.line.refunded', { campaign: e.campaign, reason: e.reason }) : e.campaign;
    case 'checkin':
      if (e.day === undefined) break;
      return t(e.makeup ? 'member.line.makeup' : 'member.line.checkin', { campaign: e.campaign, day: e.day });
    case 'joined':
    case 'left':
      if (e.group === undefined) break;
      return e.group;
    case 'renamed':
      if (e.nickname === undefined) break;
      return t('member.line.renamed', { nickname: e.nickname });
    case 'feedback':
      if (e.feedback_kind === undefined) break;
      return t('member.line.feedback', { kind: t(`h5.kind.${e.feedback_kind}`, e.feedback_kind), text: e.text });
    default:
      break;
  }
  return e.detail;
}
