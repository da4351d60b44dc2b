import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import type { Pinia } from 'pinia';
import { canUse, homeFeature, type Feature } from '../shared/roles';
import { useSessionStore } from './stores/session';

declare module 'vue-router' {
  interface RouteMeta {
    feature?: Feature;
    /** A page that needs no sign-in and asks the host nothing (the applicant's screen). */
    public?: boolean;
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/sign-in', name: 'sign-in', component: () => import('./features/signin/SignInPage.vue') },
  // The applicant's screen: shows only what a counter page of this workstation publishes.
  { path: '/applicant', name: 'applicant', meta: { public: true }, component: () => import('./features/applicant/ApplicantScreen.vue') },
  {
    path: '/',
    component: () => import('./features/shell/AppShell.vue'),
    children: [
      { path: 'counter', name: 'counter', meta: { feature: 'counter' }, component: () => import('./features/counter/CounterPage.vue') },
      { path: 'objections', name: 'objections', meta: { feature: 'objections' }, component: () => import('./features/objections/ObjectionsPage.vue') },
      { path: 'supervision', name: 'supervision', meta: { feature: 'supervision' }, component: () => import('./features/supervision/SupervisionPage.vue') },
      { path: 'catalog', name: 'catalog', meta: { feature: 'catalog' }, component: () => import('./features/catalog/CatalogPage.vue') },
      { path: 'settings', name: 'settings', meta: { feature: 'settings' }, component: () => import('./features/settings/SettingsPage.vue') },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

/**
 * The router. Hash history, because the Electron app is served from app://workstation/ and
 * browser mode from a static server: neither rewrites unknown paths to index.html.
 * A route of a feature the role may not use leads to the role's home.
 */
export function createAppRouter(pinia: Pinia) {
  const router = createRouter({ history: createWebHashHistory(), routes });
  router.beforeEach(async (to) => {
    if (to.meta.public) return true;
    const session = useSessionStore(pinia);
    if (!session.checked) {
      try {
        await session.restore();
      } catch {
        // The host did not answer; the sign-in page says so when the clerk tries.
      }
    }
    const operator = session.operator;
    if (to.name === 'sign-in') return operator ? { name: homeFeature(operator.role) } : true;
    if (!operator) return { name: 'sign-in' };
    const feature = to.meta.feature;
    if (!feature || !canUse(operator.role, feature)) return { name: homeFeature(operator.role) };
    return true;
  });
  return router;
}
