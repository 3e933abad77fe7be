// The console's menu offers a role only the pages it may open.
import { describe, expect, test } from 'vitest';
import { mount, flushPromises } from '@vue/test-utils';
import { createRouter, createMemoryHistory } from 'vue-router';
import ElementPlus from 'element-plus';
import StaffLayout from '../src/components/StaffLayout.vue';
import { i18n } from '../src/i18n/index.js';
import { saveStaff } from '../src/lib/session.js';

async function menuFor(role) {
  saveStaff({ token: 't', role, userId: '1', name: '小张' });
  const router = createRouter({ history: createMemoryHistory(), routes: [
    { path: '/:p(.*)*', component: { render: () => null } },
  ] });
  router.push('/leads');
  await router.isReady();
  const w = mount(StaffLayout, { global: { plugins: [router, i18n, ElementPlus] } });
  await flushPromises();
  const items = w.findAll('[data-test^=menu-]').map((e) => e.attributes('data-test').slice(5));
  w.unmount();
  return items;
}

describe('StaffLayout', () => {
  test('sales reps see leads and KPIs only', async () => {
    expect(await menuFor('sales')).toEqual(['leads', 'kpis']);
  });
  test('operators see the community pages only', async () => {
    expect(await menuFor('operator')).toEqual(['matrix', 'campaigns', 'groups', 'members', 'reviews', 'dormant', 'content']);
  });
  test('admins see everything', async () => {
    expect(await menuFor('admin')).toEqual(['matrix', 'campaigns', 'groups', 'members', 'reviews', 'dormant', 'content',
                                          'leads', 'kpis', 'users', 'scoring', 'audit']);
  });
});
