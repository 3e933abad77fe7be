// The console's pages: who may open each (`roles`) and, for those in the
// menu, its message key (`menu`). The router guards with `roles`; the menu
// is built from the same entries, so the two cannot disagree.
const ops = ['admin', 'operator'];
const sales = ['admin', 'sales'];
const admin = ['admin'];

const page = (path, load, roles, menu) => ({ path, component: load, meta: { roles, menu } });

export const kStaffPages = [
  page('matrix', () => import('./views/ops/Matrix.vue'), ops, 'matrix'),
  page('campaigns', () => import('./views/ops/Campaigns.vue'), ops, 'campaigns'),
  page('campaigns/:id', () => import('./views/ops/CampaignDashboard.vue'), ops),
  page('groups', () => import('./views/ops/Groups.vue'), ops, 'groups'),
  page('members', () => import('./views/ops/Members.vue'), ops, 'members'),
  page('members/:id', () => import('./views/ops/Member.vue'), ops),
  page('reviews', () => import('./views/ops/Reviews.vue'), ops, 'reviews'),
  page('dormant', () => import('./views/ops/Dormant.vue'), ops, 'dormant'),
  page('content', () => import('./views/ops/Content.vue'), ops, 'content'),
  page('leads', () => import('./views/sales/Leads.vue'), sales, 'leads'),
  page('leads/:id', () => import('./views/sales/LeadCard.vue'), sales),
  page('kpis', () => import('./views/sales/Kpis.vue'), sales, 'kpis'),
  page('users', () => import('./views/admin/Users.vue'), admin, 'users'),
  page('scoring', () => import('./views/admin/Scoring.vue'), admin, 'scoring'),
  page('audit', () => import('./views/admin/Audit.vue'), admin, 'audit'),
];
