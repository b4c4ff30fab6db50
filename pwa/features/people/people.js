/**
 * Office screens that need the network: users' device sessions (revoke a lost
 * phone) and the conflicts list (what an edit overwrote, and keeping the other value).
 */

import * as db from '../../db.js';
import { formatTime, localName, t } from '../../i18n.js';
import { apiJson, OfflineError, syncNow } from '../../sync.js';
import { h, replace } from '../../dom.js';

const problem = (error) => (error instanceof OfflineError ? t('needs_connection') : error.message);

export async function renderPeople(main) {
  const error = h('p', { class: 'error', role: 'alert' });
  replace(main, h('h1', {}, t('nav_people')), h('p', { class: 'hint' }, t('loading')), error);
  let devices;
  let users;
  try {
    [users, devices] = await Promise.all([apiJson('/users'), apiJson('/devices')]).then(([u, d]) => [u.users, d.devices]);
  } catch (failure) {
    error.textContent = problem(failure);
    return;
  }
  await db.setMeta('users', users);
  const byUser = new Map(users.map((user) => [user.id, { user, devices: [] }]));
  for (const device of devices) byUser.get(device.user.id)?.devices.push(device);
  const revoke = async (device) => {
    if (!window.confirm(t('revoke_confirm', { name: device.name, user: device.user.username }))) return;
    try {
      await apiJson(`/devices/${device.device_id}`, { method: 'DELETE' });
      renderPeople(main);
    } catch (failure) {
      error.textContent = problem(failure);
    }
  };
  const session = await db.getMeta('session');
  replace(main,
    h('h1', {}, t('nav_people')),
    error,
    session.user.role === 'admin' ? await newUserForm(() => renderPeople(main)) : null,
    [...byUser.values()].map(({ user, devices: own }) => h('section', { class: 'person', 'data-user': user.username },
      h('h2', {}, `${user.name || user.username} `, h('span', { class: 'hint' }, `${user.username} · ${t(`role_${user.role}`)}`)),
      own.length ? null : h('p', { class: 'hint' }, t('no_devices')),
      h('ul', { class: 'cards' }, own.map((device) => h('li', { class: `device${device.revoked_at ? ' revoked' : ''}`, 'data-device': device.device_id },
        h('div', {}, h('strong', {}, device.name), h('div', { class: 'hint' }, [t('device_since', { time: formatTime(device.created_at) }),
          device.last_seen_at ? t('device_seen', { time: formatTime(device.last_seen_at) }) : null,
          device.revoked_at ? t('device_revoked', { time: formatTime(device.revoked_at) }) : null].filter(Boolean).join(' · '))),
        device.revoked_at ? null : h('button', { type: 'button', class: 'danger revoke', onclick: () => revoke(device) }, t('revoke'))))))));
}

/** An admin's form for a new account: a contractor needs a company; anyone may be limited to some sites. */
async function newUserForm(onMade) {
  const [companies, sites] = await Promise.all([db.recordsOfType('company'), db.recordsOfType('site')]);
  const error = h('p', { class: 'error', role: 'alert' });
  const field = (id, label, attributes = {}) => [h('label', { for: id }, label), h('input', { id, required: true, ...attributes })];
  const form = h('form', { class: 'stack', id: 'new-user' },
    field('new-username', t('username'), { maxlength: 150, autocomplete: 'off' }),
    field('new-name', t('field_name'), { maxlength: 200, required: false }),
    h('label', { for: 'new-role' }, t('role')),
    h('select', { id: 'new-role' }, ['inspector', 'contractor', 'office', 'admin'].map((role) => h('option', { value: role }, t(`role_${role}`)))),
    h('label', { for: 'new-company' }, t('company')),
    h('select', { id: 'new-company' }, [h('option', { value: '' }, '—'),
      ...companies.filter((c) => !c.deleted).map((c) => h('option', { value: c.id }, c.fields.name))]),
    h('fieldset', { class: 'item' }, h('legend', {}, t('limit_to_sites')),
      sites.filter((site) => !site.deleted).map((site) => h('div', { class: 'check' },
        h('input', { type: 'checkbox', id: `new-site-${site.id}`, value: site.id, class: 'new-site' }),
        h('label', { for: `new-site-${site.id}` }, localName(site.fields))))),
    field('new-password', t('password_rule'), { type: 'password', minlength: 10, autocomplete: 'new-password' }),
    error,
    h('button', { type: 'submit', class: 'primary', id: 'make-user' }, t('make_user')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = (id) => form.querySelector(`#${id}`).value.trim();
    try {
      await apiJson('/users', { method: 'POST', body: {
        username: value('new-username'), name: value('new-name') || null, role: value('new-role'), password: form.querySelector('#new-password').value,
        company_id: value('new-company') || null, site_ids: [...form.querySelectorAll('.new-site:checked')].map((box) => box.value) } });
      onMade();
    } catch (failure) {
      error.textContent = problem(failure);
    }
  });
  return h('details', { class: 'edit' }, h('summary', {}, t('add_user')), form);
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
      syncNow(); // the kept value is a new edit on the server: bring it to this desk's copy
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
