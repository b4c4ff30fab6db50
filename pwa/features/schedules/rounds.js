/** What the office sees of rounds, from the replica so it works offline: compliance, one round point by point, missed-round alerts. */

import * as db from '../../db.js';
import { formatTime, locale, localName, t } from '../../i18n.js';
import { onChange } from '../../sync.js';
import { h, replace } from '../../dom.js';
import { markAlertRead } from './changes.js';

const pad = (number) => String(number).padStart(2, '0');

// This computer's calendar, not UTC's.
export const localDate = (date = new Date()) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

function localMidnight(isoDate, plusDays = 0) {
  const [year, month, day] = isoDate.split('-').map(Number);
  return new Date(year, month - 1, day + plusDays);
}

const TYPES = ['site', 'checkpoint', 'template', 'schedule', 'round', 'alert'];

// byId keeps deleted records too: a round outlives its schedule.
export async function loadRounds() {
  const lists = await Promise.all(TYPES.map((type) => db.recordsOfType(type)));
  const found = Object.fromEntries(TYPES.map((type, index) => [type, lists[index].filter((record) => !record.deleted)]));
  found.byId = new Map(lists.flat().map((record) => [record.id, record]));
  found.users = (await db.getMeta('users')) || [];
  return found;
}

export function checkpointLabel(checkpoint) {
  if (!checkpoint) return t('unknown_checkpoint');
  return checkpoint.fields.code ? `${localName(checkpoint.fields)} (${checkpoint.fields.code})` : localName(checkpoint.fields);
}

const scheduleLabel = (schedule) => (schedule && !schedule.deleted ? localName(schedule.fields) : t('schedule_removed'));
const pointNames = (ids, byId) => ids.map((id) => localName(byId.get(id)?.fields) || t('unknown_checkpoint')).join(t('list_separator'));

// A slot is "2026-12-04T08:00" in the schedule's zone.
function slotLabel(slot) {
  const [day, time] = (slot || '').split('T');
  return day ? `${localMidnight(day).toLocaleDateString(locale())} ${time || ''}` : '—';
}

// Compliance.

const range = { first: '', last: '' };
const expanded = new Set(); // rows showing their rounds, kept across the redraws a sync brings

function lastWeek() {
  const today = new Date();
  return { first: localDate(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 6)), last: localDate(today) };
}

/** Per site and schedule, by the rule of server/services/rounds.py compliance(): open rounds are not judged yet. */
export function complianceRows(rounds, first, last) {
  const [start, end] = [localMidnight(first).getTime(), localMidnight(last, 1).getTime()];
  const rows = new Map();
  for (const round of rounds) {
    const { status, site_id: siteId, schedule_id: scheduleId, window_start: began } = round.fields;
    if (round.deleted || status === 'cancelled' || !(Date.parse(began) >= start && Date.parse(began) < end)) continue;
    const key = `${siteId}/${scheduleId}`;
    if (!rows.has(key)) rows.set(key, { key, site_id: siteId, schedule_id: scheduleId, due: 0, done: 0, late: 0, missed: 0, open: 0, rounds: [] });
    const row = rows.get(key);
    row.due += 1;
    row[status === 'due' ? 'open' : status] += 1;
    row.rounds.push(round);
  }
  for (const row of rows.values()) {
    const judged = row.done + row.late + row.missed;
    row.on_time = judged ? row.done / judged : null;
    row.rounds.sort((a, b) => a.fields.window_start.localeCompare(b.fields.window_start));
  }
  return [...rows.values()];
}

const COUNTS = ['due', 'done', 'late', 'missed', 'open'];

export async function renderCompliance(main) {
  if (!range.first || !range.last) Object.assign(range, lastWeek());
  const { round: rounds, byId } = await loadRounds();
  const siteName = (row) => localName(byId.get(row.site_id)?.fields);
  const scheduleName = (row) => scheduleLabel(byId.get(row.schedule_id));
  const rows = complianceRows(rounds, range.first, range.last)
    .sort((a, b) => b.missed - a.missed || siteName(a).localeCompare(siteName(b)) || scheduleName(a).localeCompare(scheduleName(b)));
  const redraw = () => renderCompliance(main);
  const set = (name) => (event) => { range[name] = event.target.value; if (range.first && range.last) redraw(); };
  const body = rows.map((row) => {
    const open = expanded.has(row.key);
    return [
      h('tr', { class: row.missed ? 'has-missed' : '', 'data-schedule': row.schedule_id },
        h('th', { scope: 'row' }, siteName(row)),
        h('td', {}, h('a', { href: `#/schedule/${row.schedule_id}` }, scheduleName(row))),
        COUNTS.map((name) => h('td', { class: 'count', 'data-count': name }, String(row[name]))),
        h('td', { class: 'count', 'data-count': 'on_time' }, row.on_time === null ? '—' : `${Math.round(row.on_time * 100)}%`),
        h('td', {}, h('button', { type: 'button', class: 'link show-rounds', 'aria-expanded': String(open), onclick: () => {
          if (open) expanded.delete(row.key); else expanded.add(row.key);
          redraw();
        } }, t('compliance_round_count', { count: row.due })))),
      open ? h('tr', {}, h('td', { colspan: 9 }, h('ul', { class: 'cards' }, row.rounds.map((round) => h('li', {},
        h('a', { href: `#/round-detail/${round.id}`, class: 'card compliance-round' },
          h('span', { class: 'card-title' }, slotLabel(round.fields.slot)),
          h('span', { class: `chip round-${round.fields.status}` }, t(`status_${round.fields.status}`)))))))) : null,
    ];
  });
  const date = (name, id, label, limits) => h('div', {}, h('label', { for: id }, label),
    h('input', { type: 'date', id, value: range[name], onchange: set(name), ...limits }));
  replace(main,
    h('a', { href: '#/schedules', class: 'back' }, `‹ ${t('nav_schedules')}`),
    h('h1', {}, t('compliance_title')),
    h('div', { class: 'filters' }, date('first', 'compliance-from', t('date_from'), { max: range.last }),
      date('last', 'compliance-to', t('date_to'), { min: range.first })),
    h('p', { class: 'hint' }, t('compliance_explained')),
    rows.length ? h('div', { class: 'table-scroll' }, h('table', { class: 'answers compliance', id: 'compliance-table' },
      h('thead', {}, h('tr', {}, [t('site'), t('type_schedule'), ...COUNTS.map((name) => t(`compliance_${name}`)), t('compliance_on_time'), t('compliance_rounds')]
        .map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, body))) : h('p', { id: 'compliance-empty' }, t('compliance_none')));
}

// One round.

// A code that did not match, or a point chosen by hand, proves less: marked.
function reachedBy(point) {
  if (point.method !== 'qr') return [t('round_detail_by_hand'), true];
  return point.code_matched === false ? [t('round_detail_qr_mismatch'), true] : [t('round_detail_qr_matched'), false];
}

function gps(location) {
  if (!location) return '—';
  const where = `${location.lat.toFixed(5)}, ${location.lng.toFixed(5)}`;
  return location.accuracy == null ? where : `${where} (±${Math.round(location.accuracy)} m)`;
}

export async function renderRoundDetail(main, roundId) {
  const { byId, users } = await loadRounds();
  const round = byId.get(roundId);
  if (round?.type !== 'round' || round.deleted) { location.hash = '#/compliance'; return; }
  const fields = round.fields;
  const who = new Map(users.map((user) => [user.id, user.name || user.username]));
  const inspections = new Set((await Promise.all((fields.points || []).map((point) => db.getRecord(point.inspection_id)))).filter(Boolean).map((found) => found.id));
  // A point visited twice shows each visit.
  const rows = fields.checkpoint_ids.flatMap((checkpointId, index) => {
    const visits = (fields.points || []).filter((point) => point.checkpoint_id === checkpointId).sort((a, b) => (a.at || '').localeCompare(b.at || ''));
    const cells = [h('td', {}, String(index + 1)), h('th', { scope: 'row' }, checkpointLabel(byId.get(checkpointId)))];
    if (!visits.length) {
      const skipped = (fields.skipped_ids || []).includes(checkpointId);
      return [h('tr', { class: 'not-done', 'data-checkpoint': checkpointId }, cells, h('td', { colspan: 5 }, t(skipped ? 'round_detail_point_skipped' : 'round_detail_point_not_yet')))];
    }
    return visits.map((point) => {
      const [how, doubt] = reachedBy(point);
      return h('tr', { 'data-checkpoint': checkpointId, class: doubt ? 'doubt' : '' }, cells.map((cell) => cell.cloneNode(true)),
        h('td', { class: 'presence' }, doubt ? h('strong', {}, `⚠ ${how}`) : how),
        h('td', {}, point.at ? formatTime(point.at) : '—', who.has(point.by) ? h('div', { class: 'hint' }, who.get(point.by)) : null),
        h('td', { class: `timing ${point.timing || ''}` }, point.timing ? t(`timing_${point.timing}`) : '—'),
        h('td', {}, gps(point.location)),
        h('td', {}, inspections.has(point.inspection_id) ? h('a', { href: `#/review/${point.inspection_id}`, class: 'inspection-link' }, t('round_detail_open_inspection')) : '—'));
    });
  });
  const fact = (label, time) => (time ? [h('dt', {}, t(label)), h('dd', {}, formatTime(time))] : null);
  replace(main,
    h('a', { href: '#/compliance', class: 'back' }, `‹ ${t('compliance_title')}`),
    h('h1', {}, `${scheduleLabel(byId.get(fields.schedule_id))} · ${slotLabel(fields.slot)}`),
    h('p', {}, h('span', { class: `chip round-${fields.status}`, id: 'round-status' }, t(`status_${fields.status}`)), ` ${localName(byId.get(fields.site_id)?.fields)}`),
    h('dl', { class: 'round-facts' },
      h('dt', {}, t('round_detail_window')), h('dd', { id: 'round-window' }, `${formatTime(fields.window_start)} – ${formatTime(fields.window_end)}`),
      fact('round_detail_grace_until', fields.grace_until), fact('round_detail_completed_at', fields.completed_at), fact('round_detail_missed_at', fields.missed_at)),
    fields.skipped_ids?.length ? h('p', { class: 'error', id: 'round-skipped' }, t('round_detail_skipped', { names: pointNames(fields.skipped_ids, byId) })) : null,
    h('div', { class: 'table-scroll' }, h('table', { class: 'answers route-table', id: 'round-points' },
      h('thead', {}, h('tr', {}, ['#', t('type_checkpoint'), t('round_detail_reached'), t('round_detail_time'), t('round_detail_timing'), 'GPS', t('round_detail_inspection')]
        .map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, rows))));
}

// Alerts.

export async function renderAlerts(main) {
  const { alert: alerts, byId } = await loadRounds();
  const unread = (alert) => alert.fields.status === 'unread';
  alerts.sort((a, b) => Number(unread(b)) - Number(unread(a)) || (b.fields.raised_at || '').localeCompare(a.fields.raised_at || ''));
  const card = (alert) => {
    const round = byId.get(alert.fields.round_id);
    const skipped = round?.fields.skipped_ids || [];
    return h('li', { class: `alert-card${unread(alert) ? ' unread' : ''}`, 'data-alert': alert.id }, h('div', { class: 'card' },
      h('span', { class: 'card-title' }, t('alert_round_missed', {
        schedule: scheduleLabel(byId.get(alert.fields.schedule_id || round?.fields.schedule_id)), slot: slotLabel(round?.fields.slot) })),
      h('span', { class: `chip ${unread(alert) ? 'open' : 'cancelled'}` }, t(`status_${alert.fields.status}`)),
      h('span', { class: 'card-sub' }, `${localName(byId.get(alert.fields.site_id)?.fields)} · ${formatTime(alert.fields.raised_at)}`),
      skipped.length ? h('span', { class: 'card-sub alert-skipped' }, t('round_detail_skipped', { names: pointNames(skipped, byId) })) : null,
      h('span', { class: 'row' },
        round ? h('a', { href: `#/round-detail/${round.id}`, class: 'button round-link' }, t('alert_see_round')) : null,
        unread(alert) ? h('button', { type: 'button', class: 'mark-read', onclick: async () => {
          await markAlertRead(alert.id);
          await renderAlerts(main);
        } }, t('alert_mark_read')) : null)));
  };
  replace(main,
    h('h1', {}, t('nav_alerts')),
    alerts.length ? h('ul', { class: 'cards', id: 'alert-list' }, alerts.map(card)) : h('p', { id: 'no-alerts' }, t('alert_none')));
}

let watching = false;

/** The unread count on the bar's Alerts link, kept current after each local edit and each sync. */
export function drawAlertBadge(nav) {
  const draw = async () => {
    const link = nav.querySelector('a[href="#/alerts"]');
    if (!link) return;
    const count = (await db.recordsOfType('alert')).filter((alert) => !alert.deleted && alert.fields.status === 'unread').length;
    link.querySelector('.nav-badge')?.remove();
    if (count) {
      link.append(h('span', { class: 'nav-badge', id: 'alert-badge', 'data-count': String(count) }, String(count),
        h('span', { class: 'visually-hidden' }, ` ${t('alert_unread', { count })}`)));
    }
  };
  if (!watching) {
    watching = true;
    db.onLocalChange(draw);
    let seen = -1;
    onChange((state) => {
      if (state.dataVersion !== seen) draw();
      seen = state.dataVersion;
    });
  }
  return draw();
}
