/**
 * The app: shell, routes, and the occasions to sync. Each screen lives in views/.
 */

import * as db from './db.js';
import { currentLanguage, setLanguage, t } from './i18n.js';
import { applyUpdate, checkForUpdate, onUpdateReady, registerServiceWorker } from './sw-bridge.js';
import { logout, onChange, startAutoSync, syncNow } from './sync.js';
import { renderCheckpoint, renderCheckpoints } from './views/checkpoints.js';
import { renderCompanies } from './views/companies.js';
import { renderDesk, renderDeskFinding } from './views/desk.js';
import { h, replace } from './views/dom.js';
import { renderFinding, renderFindings, renderInspections, renderNewFinding } from './views/findings.js';
import { renderInspection } from './views/inspection.js';
import { renderJob, renderJobs } from './views/jobs.js';
import { languageSwitch, renderLogin } from './views/login.js';
import { renderConflicts, renderPeople } from './views/people.js';
import { renderReview, renderReviewInspection } from './views/review.js';
import { renderLabels, renderSetup, renderSetupRecord } from './views/setup.js';
import { renderStatusBar, renderSyncView } from './views/status.js';
import { renderTemplate, renderTemplates } from './views/templates.js';

const main = document.getElementById('main');
const statusBar = document.getElementById('sync-status');
const nav = document.getElementById('nav');
const banner = document.getElementById('banner');
let storageText = '';
let rendering = Promise.resolve();

const syncScreen = async () => renderSyncView(main, { user: (await db.getMeta('session')).user, storage: storageText, onLogout });

// Each role's screens: its routes, its bottom bar, and where it starts.
const ROLES = {
  inspector: {
    home: '#/checkpoints',
    nav: [['#/checkpoints', 'nav_checkpoints'], ['#/inspections', 'nav_inspections'], ['#/findings', 'nav_findings'], ['#/sync', 'nav_sync']],
    routes: [
      [/^#\/checkpoints$/, () => renderCheckpoints(main)],
      [/^#\/checkpoint\/([\w-]+)$/, (id) => renderCheckpoint(main, id)],
      [/^#\/inspection\/([\w-]+)$/, (id) => renderInspection(main, id)],
      [/^#\/inspections$/, () => renderInspections(main)],
      [/^#\/finding\/new(?:\?(.*))?$/, (query) => renderNewFinding(main, new URLSearchParams(query || ''))],
      [/^#\/finding\/([\w-]+)$/, (id) => renderFinding(main, id)],
      [/^#\/findings$/, () => renderFindings(main)],
      [/^#\/sync$/, syncScreen],
    ],
  },
  office: {
    home: '#/desk',
    nav: [['#/desk', 'nav_desk'], ['#/review', 'nav_review'], ['#/companies', 'nav_companies'], ['#/setup', 'nav_setup'],
      ['#/people', 'nav_people'], ['#/conflicts', 'nav_conflicts'], ['#/sync', 'nav_sync']],
    routes: [
      [/^#\/desk$/, () => renderDesk(main)],
      [/^#\/desk\/([\w-]+)$/, (id) => renderDeskFinding(main, id)],
      [/^#\/review$/, () => renderReview(main)],
      [/^#\/review\/([\w-]+)$/, (id) => renderReviewInspection(main, id)],
      [/^#\/companies$/, () => renderCompanies(main)],
      [/^#\/setup$/, () => renderSetup(main)],
      [/^#\/setup\/(\w+)\/([\w-]+)$/, (type, id) => renderSetupRecord(main, type, id)],
      [/^#\/templates$/, () => renderTemplates(main)],
      [/^#\/template\/([\w-]+)$/, (id) => renderTemplate(main, id)],
      [/^#\/labels(?:\?.*)?$/, () => renderLabels(main)],
      [/^#\/people$/, () => renderPeople(main)],
      [/^#\/conflicts$/, () => renderConflicts(main)],
      [/^#\/sync$/, syncScreen],
    ],
  },
  contractor: {
    home: '#/jobs',
    nav: [['#/jobs', 'nav_jobs'], ['#/sync', 'nav_sync']],
    routes: [
      [/^#\/jobs$/, () => renderJobs(main)],
      [/^#\/job\/([\w-]+)$/, (id) => renderJob(main, id)],
      [/^#\/sync$/, syncScreen],
    ],
  },
};

ROLES.admin = ROLES.office;

async function route() {
  const session = await db.getMeta('session');
  nav.hidden = !session;
  if (!session || location.hash === '#/relogin') {
    renderLogin(main, { onLoggedIn, onLanguage: () => { drawChrome(); route(); }, username: session?.user.username });
    return;
  }
  const role = ROLES[session.user.role];
  if (!role) {
    nav.hidden = true;
    replace(main, h('h1', {}, t('app_name')), h('p', {}, t('role_not_ready', { role: session.user.role })),
      h('button', { type: 'button', onclick: onLogout }, t('log_out')));
    return;
  }
  drawNav(role);
  const hash = location.hash || role.home;
  for (const [pattern, render] of role.routes) {
    const match = hash.match(pattern);
    if (match) {
      await render(...match.slice(1));
      markCurrentNav(hash);
      return;
    }
  }
  location.hash = role.home;
}

function drawNav(role) {
  const links = role.nav.map(([href, label]) => h('a', { href, 'data-label': label }, t(label)));
  nav.replaceChildren(...links);
  nav.style.setProperty('--columns', String(links.length));
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
}

async function onLogout() {
  await logout();
  location.hash = '';
  rerender();
}

function drawChrome() {
  document.title = t('app_name');
  document.getElementById('app-title').textContent = t('app_name');
  for (const link of nav.querySelectorAll('a')) link.textContent = t(link.dataset.label);
  document.getElementById('language-slot').replaceChildren(languageSwitch(() => { drawChrome(); rerender(); renderStatusBar(statusBar); }));
}

/** Ask for storage the browser will not evict, and notice if it was cleared under us. */
async function checkStorage() {
  const hadSession = localStorage.getItem('estate-patrol-had-session') === '1';
  const session = await db.getMeta('session');
  if (hadSession && !session) showBanner(t('storage_cleared'));
  if (!navigator.storage?.persist) return;
  const persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  storageText = persisted ? t('storage_persisted') : t('storage_not_persisted');
  if (!persisted && session) showBanner(storageText, 'quiet');
}

function showBanner(text, tone = 'alert', action = null) {
  const close = () => { banner.hidden = true; document.body.classList.remove('with-banner'); };
  replace(banner, h('p', {}, text), action, h('button', { type: 'button', onclick: close }, t('dismiss')));
  banner.dataset.tone = tone;
  banner.hidden = false;
  document.body.classList.add('with-banner'); // room below the page, so the banner never hides its last button
}

async function start() {
  setLanguage(currentLanguage());
  drawChrome();
  window.addEventListener('hashchange', rerender);
  let shownData = 0;
  onChange((state) => {
    renderStatusBar(statusBar);
    // Lists show what a sync brought; a form being filled in is left alone.
    if (state.dataVersion !== shownData && !/^#\/(inspection|finding|desk|review|setup|template)\//.test(location.hash)) {
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
