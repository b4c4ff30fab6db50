/**
 * Office screens that need the network: users' device sessions (revoke a lost
 * phone) and the conflicts list (what an edit overwrote, and keeping the other value).
 */

import * as db from '../db.js';
import { formatTime, t } from '../i18n.js';
import { apiJson, OfflineError } from '../sync.js';
import { h, replace } from './dom.js';

const problem = (error) => (error instanceof OfflineError ? t('needs_connection') : error.message);

export async function renderPeople(main) {
  const error = h('p', { class: 'error', role: 'alert' });
  replace(main, h('h1', {}, t('nav_people')), h('p', { class: 'hint' }, t('loading')), error);
  let devices;
  try {
    devices = (await apiJson('/devices')).devices;
  } catch (failure) {
    error.textContent = problem(failure);
    return;
  }
  const byUser = new Map();
  for (const device of devices) {
    if (!byUser.has(device.user.id)) byUser.set(device.user.id, { user: device.user, devices: [] });
    byUser.get(device.user.id).devices.push(device);
  }
  const revoke = async (device) => {
    if (!window.confirm(t('revoke_confirm', { name: device.name, user: device.user.username }))) return;
    try {
      await apiJson(`/devices/${device.device_id}`, { method: 'DELETE' });
      renderPeople(main);
    } catch (failure) {
      error.textContent = problem(failure);
    }
  };
  replace(main,
    h('h1', {}, t('nav_people')),
    error,
    [...byUser.values()].sort((a, b) => a.user.username.localeCompare(b.user.username)).map(({ user, devices: own }) => h('section', { class: 'person' },
      h('h2', {}, `${user.name || user.username} `, h('span', { class: 'hint' }, `${user.username} · ${t(`role_${user.role}`)}`)),
      h('ul', { class: 'cards' }, own.map((device) => h('li', { class: `device${device.revoked_at ? ' revoked' : ''}`, 'data-device': device.device_id },
        h('div', {}, h('strong', {}, device.name), h('div', { class: 'hint' }, [t('device_since', { time: formatTime(device.created_at) }),
          device.last_seen_at ? t('device_seen', { time: formatTime(device.last_seen_at) }) : null,
          device.revoked_at ? t('device_revoked', { time: formatTime(device.revoked_at) }) : null].filter(Boolean).join(' · '))),
        device.revoked_at ? null : h('button', { type: 'button', class: 'danger revoke', onclick: () => revoke(device) }, t('revoke'))))))));
}

const shown = (value) => (value === null || value === undefined ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value));

export async function renderConflicts(main) {
  const error = h('p', { class: 'error', role: 'alert' });
  replace(main, h('h1', {}, t('nav_conflicts')), h('p', { class: 'hint' }, t('loading')), error);
  let conflicts;
  const who = new Map(((await db.getMeta('users')) || []).map((user) => [user.id, user.name || user.username]));
  try {
    conflicts = (await apiJson('/conflicts?status=open')).conflicts;
  } catch (failure) {
    error.textContent = problem(failure);
    return;
  }
  const keepOther = async (conflict) => {
    try {
      await apiJson(`/conflicts/${conflict.id}/resolve`, { method: 'POST', body: { value: conflict.lost.value } });
      renderConflicts(main);
    } catch (failure) {
      error.textContent = problem(failure);
    }
  };
  replace(main,
    h('h1', {}, t('nav_conflicts')),
    error,
    conflicts.length ? null : h('p', { class: 'notice-ok' }, t('no_conflicts')),
    h('ul', { class: 'cards', id: 'conflict-list' }, conflicts.map((conflict) => h('li', { class: 'conflict', 'data-conflict': conflict.id },
      h('p', {}, h('strong', {}, `${t(`type_${conflict.type}`)} · ${conflict.field}`),
        conflict.type === 'finding' ? [' ', h('a', { href: `#/desk/${conflict.record_id}` }, t('open_record'))] : null),
      h('p', { class: 'kept' }, t('conflict_kept', { value: shown(conflict.kept.value), who: who.get(conflict.kept.user_id) || '?',
                                                   time: formatTime(conflict.kept.edited_at) })),
      h('p', { class: 'lost' }, t('conflict_lost', { value: shown(conflict.lost.value), who: who.get(conflict.lost.user_id) || '?',
                                                   time: formatTime(conflict.lost.edited_at) })),
      h('button', { type: 'button', class: 'keep-other', onclick: () => keepOther(conflict) }, t('keep_other_value'))))));
}
