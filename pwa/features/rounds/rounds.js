/**
 * The inspector's scheduled rounds, all from the phone's replica, so a patrol
 * in a basement without signal works as well as one in the lobby:
 *
 *   #/rounds      today's and tomorrow's rounds that are theirs, and unread missed-round alerts
 *   #/round/<id>  one round's route in order: each point done (and how), or scan its label / choose it by hand
 *
 * The server judges a round when its inspections arrive; until then the
 * screens show what the phone knows (roundProgress): the points submitted
 * here, and late or missed by the clock.
 */

import * as db from '../../db.js';
import { announce, h, replace } from '../../dom.js';
import { formatTime, locale, localName, t } from '../../i18n.js';
import { areaChain } from '../../query.js';
import { currentUser } from '../../records.js';
import { canScan, prepareScanner, scanCode } from '../inspection/scan.js';
import { currentLocation, roundTemplate, startRoundInspection } from './changes.js';

const DONE_INSPECTION = ['submitted', 'reviewed']; // as server/services/rounds.py counts a route point done

/** Whether a round (or its alert) is for this inspector: assigned to them, or to any inspector of the site. */
const isFor = (user, record) => !record.fields.assignee_ids?.length || record.fields.assignee_ids.includes(user.id);

const sameCode = (read, code) => Boolean(code) && read.trim().toLowerCase() === code.trim().toLowerCase();

/**
 * What the phone knows of a round at `now` (ms): the route points done, from
 * the server's judgement and from inspections submitted here but maybe not
 * sent; drafts begun at a point; and the status. Once the server has judged
 * (anything but due) its word stands; a due round is judged here as the
 * server will: done or late by when its last point was done, else late past
 * the window's end and missed past the grace.
 */
export function roundProgress(round, inspections, now = Date.now()) {
  const done = new Map(); // checkpoint id -> { inspection_id, method, at }
  const opens = Date.parse(round.fields.window_start);
  // A visit before the window opened does not do the round (the server keeps it as an early point).
  for (const point of round.fields.points || []) {
    if (point.timing !== 'early' && !done.has(point.checkpoint_id)) done.set(point.checkpoint_id, point);
  }
  const drafts = new Map(); // checkpoint id -> inspection id
  for (const inspection of inspections) {
    const { round_id: roundId, checkpoint_id: checkpointId, status, presence, completed_at: completedAt } = inspection.fields;
    if (inspection.deleted || roundId !== round.id) continue;
    if (DONE_INSPECTION.includes(status) && !done.has(checkpointId) && !(Date.parse(completedAt) < opens)) {
      done.set(checkpointId, { inspection_id: inspection.id, method: presence?.method || 'hand', at: completedAt });
    } else if (status === 'draft') {
      drafts.set(checkpointId, inspection.id);
    }
  }
  const route = round.fields.checkpoint_ids || [];
  const doneCount = route.filter((checkpointId) => done.has(checkpointId)).length;
  return { done, drafts, doneCount, total: route.length, status: statusNow(round, route, done, now) };
}

function statusNow(round, route, done, now) {
  if (round.fields.status !== 'due') return round.fields.status;
  const [start, end, grace] = ['window_start', 'window_end', 'grace_until'].map((name) => Date.parse(round.fields[name]));
  if (route.length && route.every((checkpointId) => done.has(checkpointId))) {
    const finished = Math.max(...route.map((checkpointId) => Date.parse(done.get(checkpointId).at) || now));
    return finished <= end ? 'done' : finished <= grace ? 'late' : 'missed';
  }
  if (now > grace) return 'missed';
  if (now > end) return 'late';
  return now < start ? 'upcoming' : 'due';
}

const statusLabel = (status) => (status === 'upcoming' ? t('round_upcoming') : t(`status_${status}`));
const statusChip = (status) => h('span', { class: `chip round-${status}` }, statusLabel(status));

function clock(iso) {
  return new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
}

/** "08:00–10:00" in the phone's time; a window that ends on another day says the end's date too. */
function windowText(round) {
  const { window_start: start, window_end: end } = round.fields;
  const sameDay = new Date(start).toDateString() === new Date(end).toDateString();
  return `${clock(start)}–${sameDay ? clock(end) : formatTime(end)}`;
}

/** A line saying what the clock means for an unfinished round: when it opens, or by when it must be done. */
function timingLine(round, progress) {
  if (progress.doneCount === progress.total) return null;
  if (progress.status === 'upcoming') return t('round_opens_at', { time: clock(round.fields.window_start) });
  if (progress.status === 'late') return t('round_finish_by', { time: clock(round.fields.grace_until) });
  return null;
}

const pointsText = (progress) => t('round_points_done', { done: progress.doneCount, count: progress.total });

const scheduleName = (schedule) => (schedule ? localName(schedule.fields) : t('round_unnamed'));

/** Midnight of the phone's day `offset` days from today, in ms (DST-safe: built from the local date). */
function localMidnight(offset) {
  const today = new Date();
  return new Date(today.getFullYear(), today.getMonth(), today.getDate() + offset).getTime();
}

export async function renderRounds(main) {
  const [user, rounds, schedules, inspections, alerts] = await Promise.all([currentUser(), db.recordsOfType('round'),
    db.recordsOfType('schedule'), db.recordsOfType('inspection'), db.recordsOfType('alert')]);
  const schedulesById = new Map(schedules.map((schedule) => [schedule.id, schedule]));
  const roundsById = new Map(rounds.map((round) => [round.id, round]));
  const inspectionsByRound = new Map(); // a phone holds many inspections; each round looks at its own only
  for (const inspection of inspections) {
    const roundId = inspection.fields.round_id;
    if (roundId) inspectionsByRound.set(roundId, [...(inspectionsByRound.get(roundId) || []), inspection]);
  }
  const now = Date.now();
  const [today, tomorrow, dayAfter] = [0, 1, 2].map(localMidnight);
  const mine = rounds.filter((round) => !round.deleted && round.fields.status !== 'cancelled' && isFor(user, round))
    .map((round) => ({ round, progress: roundProgress(round, inspectionsByRound.get(round.id) || [], now), start: Date.parse(round.fields.window_start) }))
    .sort((a, b) => a.start - b.start);
  // A round begun before midnight (a night patrol) and still open belongs to today's work.
  const stillOpen = ({ round, progress, start }) => start < today && progress.doneCount < progress.total && now <= Date.parse(round.fields.grace_until);
  const todays = mine.filter((entry) => (entry.start >= today && entry.start < tomorrow) || stillOpen(entry));
  const tomorrows = mine.filter((entry) => entry.start >= tomorrow && entry.start < dayAfter);

  // Late and not finished is the one state that still asks for haste: it gets the overdue frame.
  const overdue = (progress) => progress.status === 'late' && progress.doneCount < progress.total;
  const card = ({ round, progress }) => {
    const timing = timingLine(round, progress);
    return h('li', {},
      h('a', { href: `#/round/${round.id}`, class: `card round-card ${progress.status}${overdue(progress) ? ' overdue' : ''}` },
        h('span', { class: 'card-title' }, scheduleName(schedulesById.get(round.fields.schedule_id))),
        statusChip(progress.status),
        h('span', { class: 'card-sub' }, `${windowText(round)} · ${pointsText(progress)}`),
        timing ? h('span', { class: `card-sub due${progress.status === 'late' ? ' late' : ''}` }, timing) : null));
  };
  const group = (id, title, entries) => [h('h2', {}, title),
    entries.length ? h('ul', { class: 'cards', id }, entries.map(card)) : h('p', { class: 'hint' }, t('rounds_none'))];

  // The last day's alerts only: office marks them read, the inspector cannot, and older ones are the desk's business.
  const unread = alerts.filter((alert) => !alert.deleted && alert.fields.status === 'unread' && isFor(user, alert)
    && Date.now() - Date.parse(alert.fields.raised_at) < 24 * 3600 * 1000)
    .sort((a, b) => (b.fields.raised_at || '').localeCompare(a.fields.raised_at || ''));
  const alertLine = (alert) => {
    const round = roundsById.get(alert.fields.round_id);
    const name = scheduleName(schedulesById.get(alert.fields.schedule_id || round?.fields.schedule_id));
    const text = t('round_alert_missed', { name, window: round ? `${formatTime(round.fields.window_start)}–${clock(round.fields.window_end)}` : '' });
    return h('li', { class: 'notice round-alert' }, round ? h('a', { href: `#/round/${round.id}` }, text) : text);
  };

  replace(main,
    h('h1', { id: 'rounds-title' }, t('nav_rounds')),
    unread.length ? h('section', { 'aria-labelledby': 'round-alerts-title' },
      h('h2', { id: 'round-alerts-title', class: 'visually-hidden' }, t('round_alerts')),
      h('ul', { class: 'notices', id: 'round-alerts' }, unread.map(alertLine))) : null,
    group('rounds-today', t('rounds_today'), todays),
    group('rounds-tomorrow', t('rounds_tomorrow'), tomorrows),
    h('p', {}, h('a', { href: '#/checkpoints', class: 'button' }, t('rounds_other_work'))));
  prepareScanner();
}

// The camera of a scan under way: a sync's redraw must not tear it down, and leaving the round stops it.
let activeScan = null; // { roundId, scanner }
// Each submission is said once: a sync's redraw of the same address must not scroll the inspector back up to it.
const announced = new Set();

addEventListener('hashchange', () => {
  if (activeScan && !location.hash.startsWith(`#/round/${activeScan.roundId}`)) activeScan.scanner.querySelector('.scan-stop')?.click();
});

/** One round's route; `submittedId` is the inspection just submitted there, said at the top. */
export async function renderRound(main, roundId, submittedId = null) {
  if (activeScan?.roundId === roundId && activeScan.scanner.isConnected) return;
  const round = await db.getRecord(roundId);
  if (!round || round.deleted) {
    location.hash = '#/rounds';
    return;
  }
  const [schedule, checkpointList, areaList, inspections, templates] = await Promise.all([db.getRecord(round.fields.schedule_id),
    db.recordsOfType('checkpoint'), db.recordsOfType('area'), db.recordsOfType('inspection'), db.recordsOfType('template')]);
  const checkpoints = new Map(checkpointList.filter((checkpoint) => !checkpoint.deleted).map((checkpoint) => [checkpoint.id, checkpoint]));
  const areas = new Map(areaList.map((area) => [area.id, area]));
  const progress = roundProgress(round, inspections);
  const template = roundTemplate(round, templates);
  const route = round.fields.checkpoint_ids || [];
  const nextId = route.find((checkpointId) => !progress.done.has(checkpointId));
  // A cancelled round takes no more work; a missed one still does (the server attaches it, marked after the round was missed).
  // One not open yet takes none either: a visit before its window does not count (the server keeps it as early).
  const open = round.fields.status !== 'cancelled' && progress.status !== 'upcoming' && Boolean(template);

  const point = (checkpointId, index) => routePoint({ round, template, progress, checkpoints, areas, open, checkpointId, index,
                                                      isNext: checkpointId === nextId });
  const timing = timingLine(round, progress);
  replace(main,
    h('a', { href: '#/rounds', class: 'back' }, `‹ ${t('nav_rounds')}`),
    h('h1', {}, scheduleName(schedule)),
    h('p', { class: 'round-summary' }, statusChip(progress.status), ' ', h('span', { id: 'round-window' }, windowText(round)), ' · ',
      h('span', { id: 'round-count' }, pointsText(progress))),
    timing ? h('p', { class: `due${progress.status === 'late' ? ' late' : ''}` }, timing) : null,
    template ? null : h('p', { class: 'notice', role: 'alert' }, t('round_no_template')),
    h('ol', { class: 'route', id: 'route' }, route.map(point)));

  const submitted = submittedId && !announced.has(submittedId) && progress.done.has((await db.getRecord(submittedId))?.fields.checkpoint_id);
  if (submitted) {
    announced.add(submittedId);
    const text = progress.doneCount === progress.total ? t('round_all_done') : t('round_point_submitted', { done: progress.doneCount, count: progress.total });
    announce(main, text, main.querySelector('#route'));
  }
}

function routePoint({ round, template, progress, checkpoints, areas, open, checkpointId, index, isNext }) {
  const checkpoint = checkpoints.get(checkpointId);
  const done = progress.done.get(checkpointId);
  const draftId = progress.drafts.get(checkpointId);
  const title = checkpoint ? localName(checkpoint.fields) : t('round_point_unknown');
  const place = checkpoint ? areaChain(checkpoint.fields.area_id, areas).map((area) => localName(area.fields)).join(' / ') : '';
  const state = done ? 'done' : isNext ? 'next' : 'todo';
  const heading = h('div', { class: 'route-heading' },
    h('span', { class: 'route-number', 'aria-hidden': 'true' }, String(index + 1)),
    h('span', {}, h('strong', { class: 'route-name' }, title),
      checkpoint?.fields.code ? h('span', { class: 'code' }, ` ${checkpoint.fields.code}`) : null,
      place ? h('span', { class: 'card-sub route-place' }, place) : null));

  let body;
  if (done) {
    const how = done.method === 'qr' ? t('round_done_scanned') : t('round_done_by_hand');
    body = h('p', { class: `route-done${done.method === 'qr' ? '' : ' by-hand'}` }, `✓ ${t('status_done')} · ${how}`,
      done.inspection_id ? [' · ', h('a', { href: `#/inspection/${done.inspection_id}` }, t('round_open_inspection'))] : null);
  } else if (draftId) {
    body = h('a', { href: `#/inspection/${draftId}`, class: 'button primary' }, t('round_continue'));
  } else if (open && checkpoint) {
    body = pointActions(round, template, checkpoint, checkpoints);
  } else {
    body = null;
  }
  return h('li', { class: `route-point ${state}`, id: `point-${checkpointId}` }, heading, body);
}

/** The two ways to reach a point: its QR label, or choosing it by hand (allowed, and recorded as such). */
function pointActions(round, template, checkpoint, checkpoints) {
  const message = h('p', { class: 'error round-message', role: 'alert' });
  const scanner = h('div', { class: 'scanner' });
  const code = checkpoint.fields.code;
  const buttons = [];
  const busy = (yes) => buttons.forEach((button) => { button.disabled = yes; });
  const begin = async (presence) => {
    try {
      location.hash = `#/inspection/${await startRoundInspection(round, template, checkpoint, presence)}`;
    } catch (error) {
      console.error(error); // the phone's storage refused the write (full, or cleared under us)
      message.className = 'error round-message';
      message.textContent = t('round_start_failed');
      busy(false);
    }
  };

  async function scan() {
    if (!canScan()) {
      message.textContent = t('round_scan_unsupported');
      return;
    }
    message.textContent = '';
    busy(true);
    const locating = currentLocation(); // found while the camera looks, so a match starts at once
    activeScan = { roundId: round.id, scanner };
    const read = await scanCode(scanner).finally(() => { activeScan = null; });
    busy(false);
    if (read === null) {
      message.textContent = t('round_scan_nothing');
    } else if (sameCode(read, code)) {
      busy(true);
      await begin({ method: 'qr', code: read, location: await locating });
    } else {
      // Name what was read, and which point it is if it is one we know, so the inspector can find the right label.
      const other = [...checkpoints.values()].find((candidate) => sameCode(read, candidate.fields.code || ''));
      message.textContent = other ? t('round_wrong_label_known', { code: read, other: localName(other.fields), expected: code })
        : t('round_wrong_label', { code: read, expected: code });
    }
  }

  async function byHand() {
    busy(true);
    message.className = 'hint round-message';
    message.textContent = t('round_locating');
    await begin({ method: 'hand', code: null, location: await currentLocation() });
  }

  if (code) buttons.push(h('button', { type: 'button', class: 'primary scan-label', onclick: scan }, t('round_scan_label')));
  buttons.push(h('button', { type: 'button', class: 'by-hand', onclick: byHand }, t('round_choose_by_hand')));
  return [h('div', { class: 'route-actions' }, buttons), code ? null : h('p', { class: 'hint' }, t('round_no_label')), message, scanner];
}
