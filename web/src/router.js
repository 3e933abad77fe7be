// Pages and who may open them. Hash history, so any server path serves the
// same shell and links survive a reload.
import { createRouter, createWebHashHistory } from 'vue-router';
import { staff, participant, kRoleHome, canSee } from './lib/session.js';

const ops = ['admin', 'operator'];
const sales = ['admin', 'sales'];
const admin = ['admin'];

const routes = [
  { path: '/login', component: () => import('./views/Login.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./components/StaffLayout.vue'),
    children: [
      { path: '', redirect: () => kRoleHome[staff.role] || '/login' },
      { path: 'matrix', component: () => import('./views/ops/Matrix.vue'), meta: { roles: ops } },
      { path: 'campaigns', component: () => import('./views/ops/Campaigns.vue'), meta: { roles: ops } },
      { path: 'campaigns/:id', component: () => import('./views/ops/CampaignDashboard.vue'), meta: { roles: ops } },
      { path: 'groups', component: () => import('./views/ops/Groups.vue'), meta: { roles: ops } },
      { path: 'members/:id', component: () => import('./views/ops/Member.vue'), meta: { roles: ops } },
      { path: 'reviews', component: () => import('./views/ops/Reviews.vue'), meta: { roles: ops } },
      { path: 'dormant', component: () => import('./views/ops/Dormant.vue'), meta: { roles: ops } },
      { path: 'content', component: () => import('./views/ops/Content.vue'), meta: { roles: ops } },
      { path: 'leads', component: () => import('./views/sales/Leads.vue'), meta: { roles: sales } },
      { path: 'leads/:id', component: () => import('./views/sales/LeadCard.vue'), meta: { roles: sales } },
      { path: 'kpis', component: () => import('./views/sales/Kpis.vue'), meta: { roles: sales } },
      { path: 'users', component: () => import('./views/admin/Users.vue'), meta: { roles: admin } },
      { path: 'scoring', component: () => import('./views/admin/Scoring.vue'), meta: { roles: admin } },
      { path: 'audit', component: () => import('./views/admin/Audit.vue'), meta: { roles: admin } },
    ],
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
