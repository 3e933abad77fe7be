// Who is signed in: a staff session (admin, operator, sales) for the
// console and, separately, a participant session for the H5 page. Both
// are kept in localStorage so a reload keeps the user signed in.
import { reactive } from 'vue';
import { createApi } from './api.js';
import { i18n } from '../i18n/index.js';

// "输入有误：days must be 1–366": the kind of error in the user's language,
// then the server's own words (which name the field or the limit).
export function describeError(code, msg) {
  const key = `errors.${code}`;
  const kind = i18n.global.te(key) ? i18n.global.t(key) : '';
  return kind ? `${kind}: ${msg}` : msg;
}

const kStaffKey = 'qunying.staff';
const kParticipantKey = 'qunying.participant';

function load(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null');
  } catch {
    return null;
  }
}

export const staff = reactive(load(kStaffKey) || { token: '', role: '', userId: '', name: '' });
export const participant = reactive(load(kParticipantKey) || { token: '', memberId: '' });

export function saveStaff(s) {
  Object.assign(staff, s);
  localStorage.setItem(kStaffKey, JSON.stringify(staff));
}
export function clearStaff() {
  saveStaff({ token: '', role: '', userId: '', name: '' });
}
export function saveParticipant(p) {
  Object.assign(participant, p);
  localStorage.setItem(kParticipantKey, JSON.stringify(participant));
}
export function clearParticipant() {
  saveParticipant({ token: '', memberId: '' });
}

// Handlers for a 401 (an expired session): set by main.js to go to sign-in.
export const onExpired = { staff: () => {}, participant: () => {} };

export const api = createApi({
  describe: describeError,
  getToken: () => staff.token,
  onUnauthorized: () => { clearStaff(); onExpired.staff(); },
});
export const mpApi = createApi({
  describe: describeError,
  getToken: () => participant.token,
  onUnauthorized: () => { clearParticipant(); onExpired.participant(); },
});

// The console's pages a role may open (the server checks again).
export const kRoleHome = { admin: '/leads', operator: '/matrix', sales: '/leads' };
export function canSee(role, roles) {
  return !roles || roles.includes(role);
}
