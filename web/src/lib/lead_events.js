// The note under a lead history entry (GET /leads/{id} `history`) in the
// reader's language (tested in tests/lead_events.test.js). A rep's own
// note is shown as written; the server's notes on its own events are in
// English ("score 51.9", "not contacted within the SLA", "round_robin to
// user 5"), so they are worded here from the event's kind. `t` is
// vue-i18n's.
import { shortTime } from './format.js';

export function eventNote(h, t) {
  switch (h.kind) {
    case 'follow_up':
      return h.note ? t('event.callAgainAt', { at: shortTime(h.note) }) : t('leads.noFollowUp');
    case 'created': {
      const m = /^score (\d+(?:\.\d+)?)$/.exec(h.note ?? '');
      return m ? t('event.scoredAt', { score: m[1] }) : h.note;
    }
    case 'sla_release':
    case 'owner_release':
      return '';  // The kind's own words say why.
    case 'lost_return': {
      const m = /^(\d+) check-ins since it was lost \(lost_reason was (.*)\)$/.exec(h.note ?? '');
      return m ? t('event.backAfterLost', { n: m[1], reason: m[2] }) : h.note;
    }
    case 'assign': {
      const m = /^(round_robin|capacity)\b/.exec(h.note ?? '');
      return m ? t('event.assignedBy', { rule: t(`scoring.assign.${m[1]}`) }) : h.note;
    }
    default:
      return h.note;
  }
}
