/** The sync state, always in view: offline, what waits, upload progress, last sync, what needs the user. */

import * as db from '../../db.js';
import { formatTime, t } from '../../i18n.js';
import { pendingCounts, syncNow, syncState } from '../../sync.js';
import { RECORD_TYPES } from '../../vocabulary.js';
import { h, replace } from '../../dom.js';
import { askPersistence, knownPersistence } from './storage.js';

/** "Waiting: 2 inspections, 1 finding, 2 photos": records with unsent changes by type, in the vocabulary's order. */
export function waitingText(counts) {
  const parts = RECORD_TYPES.filter((type) => type !== 'photo' && counts.records[type])
    .map((type) => t(`pending_${type}`, { count: counts.records[type] }));
  if (counts.photos) parts.push(t('pending_photo', { count: counts.photos }));
  return parts.length ? t('waiting', { what: parts.join(t('list_separator')) }) : t('nothing_waiting');
}

/** The mark on a list's card for a record whose changes are still on this device (`ids` from sync.unsentIds). */
export function unsentMark(ids, id) {
  return ids.has(id) ? h('span', { class: 'unsent' }, t('unsent')) : null;
}

/** The one-line status at the top of every screen. */
export async function renderStatusBar(bar) {
  const state = syncState();
  const [counts, lastSyncAt, noticeList] = await Promise.all([pendingCounts(), db.getMeta('lastSyncAt'), db.notices()]);
  const waiting = counts.changes || counts.blobs;
  // `state` names the situation for tests and styles, in any language.
  let text;
  let tone = 'ok';
  let situation = 'synced';
  if (state.authRequired) {
    [text, tone, situation] = [t('relogin'), 'alert', 'login'];
  } else if (state.phase === 'syncing' && state.upload) {
    const percent = state.upload.total ? Math.floor((100 * state.upload.sent) / state.upload.total) : 0;
    [text, tone, situation] = [t('uploading', { ...state.upload, percent }), 'busy', 'syncing'];
  } else if (state.phase === 'syncing') {
    [text, tone, situation] = [t('syncing'), 'busy', 'syncing'];
  } else if (!state.online || state.phase === 'offline') {
    [text, tone, situation] = [`${t('offline')} · ${waitingText(counts)}`, waiting ? 'alert' : 'quiet', 'offline'];
  } else if (state.phase === 'error') {
    [text, tone, situation] = [t('sync_error', { message: state.error?.message || '' }), 'alert', 'error'];
  } else if (waiting) {
    [text, tone, situation] = [waitingText(counts), 'busy', 'waiting'];
  } else if (!lastSyncAt) {
    [text, situation] = [t('never_synced'), 'never'];
  } else {
    text = t('all_synced', { time: formatTime(lastSyncAt) });
  }
  bar.dataset.tone = tone;
  bar.dataset.state = situation;
  replace(bar,
    // Logged out by the server (revoked, or idle too long): the queue stays, and a new login sends it.
    state.authRequired ? h('a', { href: '#/relogin', class: 'status-text' }, text) : h('span', { class: 'status-text' }, text),
    noticeList.length ? h('a', { href: '#/sync', class: 'status-badge' }, `${t('needs_you')}: ${noticeList.length}`) : null);
}

/** The sync screen: counts, the button, notices, storage and session. */
export async function renderSyncView(main, { user, onLogout }) {
  const redraw = () => renderSyncView(main, { user, onLogout });
  const storage = knownPersistence();
  const [counts, lastSyncAt, noticeList] = await Promise.all([pendingCounts(), db.getMeta('lastSyncAt'), db.notices()]);
  replace(main,
    h('h1', {}, t('nav_sync')),
    h('p', { id: 'waiting' }, waitingText(counts)),
    h('p', {}, `${t('last_sync')}: ${lastSyncAt ? formatTime(lastSyncAt) : '—'}`),
    h('button', { type: 'button', class: 'primary', onclick: () => syncNow() }, t('sync_now')),
    noticeList.length ? h('section', { 'aria-labelledby': 'notices-heading' },
      h('h2', { id: 'notices-heading' }, t('needs_you')),
      h('ul', { class: 'notices' }, noticeList.map((notice) => h('li', { class: `notice ${notice.kind}` },
        h('p', {}, notice.kind === 'conflict'
          ? t('conflict_notice', { type: t(`type_${notice.type}`), fields: notice.fields.join(', ') })
          : t('rejected_notice', { type: t(`type_${notice.type}`), message: notice.message })),
        h('button', { type: 'button', onclick: async () => { await db.dismissNotice(notice.id); redraw(); } }, t('dismiss')))))) : null,
    h('section', { 'aria-labelledby': 'storage-heading', id: 'storage' },
      h('h2', { id: 'storage-heading' }, t('storage_heading')),
      h('p', { class: 'storage', id: 'storage-state', 'data-state': storage }, t(`storage_state_${storage}`)),
      ['not_persisted', 'unknown'].includes(storage)
        ? h('button', { type: 'button', id: 'ask-storage', onclick: async () => { await askPersistence(); redraw(); } }, t('storage_ask')) : null),
    h('p', {}, t('signed_in_as', { name: user.name, role: t(`role_${user.role}`) })),
    h('p', {}, h('a', { href: '#/password', id: 'change-password' }, t('password_title'))),
    h('button', { type: 'button', onclick: onLogout, disabled: counts.changes + counts.blobs > 0 }, t('log_out')));
}
