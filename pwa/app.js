/**
 * The app's shell: the roles' screens and bottom bars, the router, and the
 * occasions to sync. Each area's screens, routes and local changes live in
 * features/<area>/; this module only puts them together per role.
 */

import * as db from './db.js';
import { h, replace } from './dom.js';
import { routes as deskRoutes } from './features/desk/routes.js';
import { routes as findingRoutes } from './features/findings/routes.js';
import { routes as inspectionRoutes } from './features/inspection/routes.js';
import { routes as jobRoutes } from './features/jobs/routes.js';
import { languageSwitch, renderLogin } from './features/login/login.js';
import { routes as peopleRoutes } from './features/people/routes.js';
import { routes as reviewRoutes } from './features/review/routes.js';
import { routes as roundRoutes } from './features/rounds/routes.js';
import { drawAlertBadge, routes as scheduleRoutes } from './features/schedules/routes.js';
import { routes as setupRoutes } from './features/setup/routes.js';
import { renderStatusBar } from './features/status/status.js';
import { routes as statusRoutes } from './features/status/routes.js';
import { checkPersistence } from './features/status/storage.js';
import { routes as templateRoutes } from './features/templates/routes.js';
import { currentLanguage, setLanguage, t } from './i18n.js';
import { applyUpdate, checkForUpdate, onUpdateReady, registerServiceWorker } from './sw-bridge.js';
import { setActor } from './records.js';
import { logout, onChange, startAutoSync, syncNow } from './sync.js';

const main = document.getElementById('main');
const statusBar = document.getElementById('sync-status');
const nav = document.getElementById('nav');
const banner = document.getElementById('banner');
let rendering = Promise.resolve();
let currentRole = null;

// What every screen is handed: where to draw, and the shell's own pieces.
const shell = { main, onLogout };

// Each role's screens: its features' routes, its bottom bar, and where it starts.
const ROLES = {
  inspector: {
    home: '#/rounds',
    nav: [['#/rounds', 'nav_rounds'], ['#/checkpoints', 'nav_checkpoints'], ['#/inspections', 'nav_inspections'], ['#/findings', 'nav_findings'],
      ['#/sync', 'nav_sync']],
    routes: [...roundRoutes, ...inspectionRoutes, ...findingRoutes, ...statusRoutes],
  },
  office: {
    home: '#/desk',
    nav: [['#/desk', 'nav_desk'], ['#/review', 'nav_review'], ['#/companies', 'nav_companies'], ['#/setup', 'nav_setup'],
      ['#/schedules', 'nav_schedules'], ['#/alerts', 'nav_alerts'], ['#/people', 'nav_people'], ['#/conflicts', 'nav_conflicts'], ['#/sync', 'nav_sync']],
    routes: [...deskRoutes, ...reviewRoutes, ...setupRoutes, ...templateRoutes, ...scheduleRoutes, ...peopleRoutes, ...statusRoutes],
  },
  contractor: {
    home: '#/jobs',
    nav: [['#/jobs', 'nav_jobs'], ['#/sync', 'nav_sync']],
    routes: [...jobRoutes, ...statusRoutes],
  },
};

ROLES.admin = ROLES.office;

async function route() {
  const session = await db.getMeta('session');
  setActor(session?.user);
  nav.hidden = !session;
  currentRole = null;
  if (!session || location.hash === '#/relogin') {
    renderLogin(main, { onLoggedIn, onLanguage: () => { drawChrome(); route(); }, username: session?.user.username });
    return;
  }
  const role = ROLES[session.user.role];
  if (!role) {
    nav.hidden = true;
    replace(main, h('h1', {}, t('app_name')), h('p', {}, t('role_not_ready', { role: t(`role_${session.user.role}`) })),
      h('button', { type: 'button', onclick: onLogout }, t('log_out')));
    return;
  }
  drawNav(role);
  currentRole = role;
  const hash = location.hash || role.home;
  const found = findRoute(role, hash);
  if (!found) {
    location.hash = role.home;
    return;
  }
  await found.route.show(shell, ...found.captures);
  markCurrentNav(hash);
}

function findRoute(role, hash) {
  for (const route of role.routes) {
    const match = hash.match(route.path);
    if (match) return { route, captures: match.slice(1) };
  }
  return null;
}

function drawNav(role) {
  const links = role.nav.map(([href, label]) => h('a', { href, 'data-label': label }, t(label)));
  nav.replaceChildren(...links);
  nav.style.setProperty('--columns', String(links.length));
  drawAlertBadge(nav); // the unread count on the office's Alerts link, kept current as the replica changes
}

function markCurrentNav(hash) {
  for (const link of nav.querySelectorAll('a')) {
    const section = link.getAttribute('href');
    link.toggleAttribute('aria-current', hash.startsWith(section) || hash.startsWith(section.replace(/s$/, '')));
  }
}

function rerender() {
  rendering = rendering.then(route).catch((error) => console.error(error));
  return rendering;
}

async function onLoggedIn(user) {
  location.hash = ROLES[user.role]?.home || '';
  await syncNow();
  rerender();
  checkStorage();
}

async function onLogout() {
  await logout();
  location.hash = '';
  rerender();
}

function drawChrome() {
  document.title = t('app_name');
  document.getElementById('app-title').textContent = t('app_name');
  banner.setAttribute('aria-label', t('notice'));
  for (const link of nav.querySelectorAll('a')) link.textContent = t(link.dataset.label);
  document.getElementById('language-slot').replaceChildren(languageSwitch(() => { drawChrome(); rerender(); renderStatusBar(statusBar); }));
}

/**
 * Notice if the browser cleared our storage; ask once for storage it will not
 * evict, and say the answer once (features/status/storage.js remembers it; the
 * Sync screen keeps showing it).
 */
async function checkStorage() {
  const hadSession = localStorage.getItem('estate-patrol-had-session') === '1';
  const session = await db.getMeta('session');
  if (hadSession && !session) showBanner(t('storage_cleared'));
  if (!session) return;
  const { state, news } = await checkPersistence();
  if (news) showBanner(t(`storage_said_${state}`), 'quiet');
}

function showBanner(text, tone = 'alert', action = null) {
  const close = () => { banner.hidden = true; document.body.classList.remove('with-banner', 'quiet-banner'); };
  replace(banner, h('p', {}, text), action, h('button', { type: 'button', onclick: close }, t('dismiss')));
  banner.dataset.tone = tone;
  banner.hidden = false;
  document.body.classList.add('with-banner'); // room below the page, so the banner never hides its last button
  document.body.classList.toggle('quiet-banner', tone === 'quiet');
}

async function start() {
  setLanguage(currentLanguage());
  drawChrome();
  window.addEventListener('hashchange', rerender);
  let shownData = 0;
  onChange((state) => {
    renderStatusBar(statusBar);
    // Lists show what a sync brought; a form being filled in is left alone.
    if (state.dataVersion !== shownData && !(currentRole && findRoute(currentRole, location.hash)?.route.form)) {
      shownData = state.dataVersion;
      rerender();
    }
  });
  await checkStorage();
  await rerender();
  renderStatusBar(statusBar);
  startAutoSync();
  onUpdateReady(() => showBanner(t('update_available'), 'busy',
    h('button', { type: 'button', id: 'update-now', onclick: () => applyUpdate() }, t('update_now'))));
  registerServiceWorker().then(() => setInterval(checkForUpdate, 10 * 60 * 1000)).catch((error) => console.warn('service worker', error));
  setInterval(() => renderStatusBar(statusBar), 30 * 1000);
  document.body.dataset.ready = 'true';
}

start();
