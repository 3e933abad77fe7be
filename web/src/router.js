// Pages and who may open them. Hash history, so any server path serves the
// same shell and links survive a reload.
import { createRouter, createWebHashHistory } from 'vue-router';
import { staff, participant, kRoleHome, canSee } from './lib/session.js';
import { kStaffPages } from './pages.js';

const routes = [
  { path: '/login', component: () => import('./views/Login.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./components/StaffLayout.vue'),
    children: [{ path: '', redirect: () => kRoleHome[staff.role] || '/login' }, ...kStaffPages],
  },
  { path: '/h5/login', component: () => import('./views/h5/H5Login.vue'), meta: { public: true, h5: true } },
  { path: '/h5', component: () => import('./views/h5/H5Home.vue'), meta: { h5: true } },
  { path: '/:rest(.*)*', redirect: '/' },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach((to) => {
  if (to.meta.public) return true;
  if (to.meta.h5) return participant.token ? true : '/h5/login';
  if (!staff.token) return { path: '/login', query: { next: to.fullPath } };
  if (!canSee(staff.role, to.meta.roles)) return kRoleHome[staff.role] || '/login';
  return true;
});
