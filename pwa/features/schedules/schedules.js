/**
 * The office's schedules per site, and one schedule's form, checked as the server checks it before saving.
 * A refusal the server sends back later shows on the schedule, listed and in its form, until saved again.
 */

import { locale, localName, t } from '../../i18n.js';
import { unsentIds } from '../../sync.js';
import { unsentMark } from '../status/status.js';
import { h, replace } from '../../dom.js';
import { refusalsOf, saveSchedule } from './changes.js';
import { currentRevision, familyOf } from '../../query.js';
import { checkpointLabel, loadRounds, localDate } from './rounds.js';

// The recurrence rule (the JSON form of sync/recurrence.py), checked by the rules of its rule_problem so the desk
// refuses what the server would before it is queued.
const EVERY = ['day', 'week', 'month'];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const whole = Number.isInteger;

function ruleProblem(rule) {
  if (!EVERY.includes(rule?.every)) return t('schedule_rule_every');
  const interval = rule.interval ?? 1;
  if (!whole(interval) || interval < 1 || interval > 120) return t('schedule_rule_interval');
  const times = rule.times;
  if (!Array.isArray(times) || !times.length || times.length > 24) return t('schedule_rule_times');
  const bad = times.find((time) => !TIME.test(time));
  if (bad !== undefined) return t('schedule_rule_time_format', { time: bad });
  const twice = times.find((time, index) => times.indexOf(time) !== index);
  if (twice) return t('schedule_rule_time_twice', { time: twice });
  if (rule.every === 'week' && !(rule.weekdays?.length && rule.weekdays.every((day) => whole(day) && day >= 1 && day <= 7))) return t('schedule_rule_weekdays');
  if (rule.every === 'month' && !(whole(rule.day) && ((rule.day >= 1 && rule.day <= 31) || rule.day === -1))) return t('schedule_rule_day');
  return null;
}

// Only its kind's keys: the server refuses others.
function cleanRule(rule) {
  const clean = { every: rule.every, interval: rule.interval, times: [...rule.times].sort() };
  if (rule.every === 'week') clean.weekdays = [...rule.weekdays].sort((a, b) => a - b);
  if (rule.every === 'month') clean.day = rule.day;
  return clean;
}

// 1 January 2024 was a Monday.
function weekdayName(day, weekday = 'short') {
  return new Date(2024, 0, day).toLocaleDateString(locale(), { weekday });
}

/** "Daily at 08:00 and 20:00", "Every 6 months on day 15 at 09:00", "每周周一、周三 09:00". */
export function describeRule(rule) {
  if (ruleProblem(rule)) return '—';
  const { every, interval = 1 } = rule;
  const params = { interval, times: new Intl.ListFormat(locale()).format([...rule.times].sort()) };
  if (every === 'week') params.days = [...rule.weekdays].sort((a, b) => a - b).map((day) => weekdayName(day)).join(t('list_separator'));
  if (every === 'month') params.day = rule.day === -1 ? t('schedule_last_day') : t('schedule_day_of_month', { day: rule.day });
  return t(`schedule_every_${every}_${interval === 1 ? 'one' : 'many'}`, params);
}

const LONGEST_MINUTES = 60 * 24 * 31;
const MODES = ['fixed', 'after_completion'];

function scheduleState(schedule) {
  if (schedule.fields.active === false) return 'stopped';
  if (schedule.fields.ends_on && schedule.fields.ends_on < localDate()) return 'ended';
  return 'active';
}

// Where a server's refusal points, in the form's words.
const LABELS = { site_id: 'site', name: 'field_name', names: 'field_name_zh', template_family_id: 'schedule_template', checkpoint_ids: 'schedule_route',
  assignee_ids: 'schedule_assignees', time_zone: 'schedule_time_zone', recurrence: 'schedule_every', window_minutes: 'schedule_window_minutes',
  grace_minutes: 'schedule_grace_minutes', mode: 'schedule_mode', starts_on: 'schedule_starts_on', ends_on: 'schedule_ends_on', active: 'schedule_active' };

function refusalLines(notice) {
  const flatten = (value) => (typeof value !== 'object' || !value ? String(value) : Array.isArray(value) ? value.join(' ')
    : Object.entries(value).map(([key, inner]) => `${/^\d+$/.test(key) ? `#${Number(key) + 1}` : key}: ${flatten(inner)}`).join('; '));
  return [t('schedule_refused', { message: notice.message }),
    ...Object.entries(notice.fields || {}).map(([field, problem]) => `${LABELS[field] ? t(LABELS[field]) : field}: ${flatten(problem)}`)];
}

function refusalBox(notices) {
  return notices.length ? h('div', { class: 'notice', role: 'alert', id: 'schedule-refused' },
    notices.flatMap(refusalLines).map((line) => h('p', {}, line))) : null;
}

export async function renderSchedules(main) {
  const { site, schedule: schedules, template: templates } = await loadRounds();
  const unsent = await unsentIds();
  const refusals = new Map(await Promise.all(schedules.map(async (schedule) => [schedule.id, await refusalsOf(schedule.id)])));
  const card = (schedule) => {
    const state = scheduleState(schedule);
    const fields = schedule.fields;
    return h('li', { 'data-schedule': schedule.id }, h('a', { href: `#/schedule/${schedule.id}`, class: 'card' },
      h('span', { class: 'card-title' }, localName(fields)),
      h('span', { class: `chip ${state === 'active' ? 'reviewed' : 'cancelled'}` }, t(`schedule_state_${state}`, { date: fields.ends_on || '' })),
      unsentMark(unsent, schedule.id),
      h('span', { class: 'card-sub schedule-rule' }, describeRule(fields.recurrence)),
      h('span', { class: 'card-sub' }, [
        t('schedule_window_is', { minutes: fields.window_minutes }),
        t('schedule_grace_is', { minutes: fields.grace_minutes || 0 }),
        t('schedule_route_count', { count: fields.checkpoint_ids.length }),
        localName(currentRevision(templates, fields.template_family_id)?.fields),
        fields.mode === 'after_completion' ? t('schedule_mode_after_completion') : null,
        t('schedule_from', { date: fields.starts_on }),
      ].filter(Boolean).join(' · ')),
      refusals.get(schedule.id).length ? h('span', { class: 'card-sub error' }, refusalLines(refusals.get(schedule.id)[0])[0]) : null));
  };
  const byName = (a, b) => localName(a.fields).localeCompare(localName(b.fields));
  const bySite = site.sort(byName).map((place) => [place, schedules.filter((schedule) => schedule.fields.site_id === place.id)]).filter(([, own]) => own.length);
  replace(main,
    h('h1', {}, t('nav_schedules')),
    h('p', { class: 'row' }, h('a', { href: '#/schedule/new', class: 'button', id: 'new-schedule' }, t('schedule_new')),
      h('a', { href: '#/compliance', class: 'button', id: 'open-compliance' }, t('compliance_title'))),
    schedules.length ? null : h('p', { class: 'hint', id: 'no-schedules' }, t('schedule_none')),
    bySite.map(([place, own]) => h('section', { class: 'schedule-site' }, h('h2', {}, localName(place.fields)),
      h('ul', { class: 'cards desk-list schedule-list' }, own.sort(byName).map(card)))));
}

function draftOf(schedule) {
  const fields = schedule?.fields || {};
  const rule = fields.recurrence || { every: 'day', interval: 1, times: ['08:00'] };
  return {
    name: fields.name || '', name_zh: fields.names?.zh || '', site_id: fields.site_id || '', template_family_id: fields.template_family_id || '',
    checkpoint_ids: [...(fields.checkpoint_ids || [])], assignee_ids: [...(fields.assignee_ids || [])], time_zone: fields.time_zone || '',
    every: rule.every, interval: String(rule.interval ?? 1), times: [...(rule.times || [])], weekdays: [...(rule.weekdays || [1])],
    day: rule.day ?? 1, window_minutes: String(fields.window_minutes ?? 60), grace_minutes: String(fields.grace_minutes ?? 0),
    mode: fields.mode || 'fixed', starts_on: fields.starts_on || localDate(), ends_on: fields.ends_on || '', active: fields.active !== false,
  };
}

const wholeNumber = (text) => (/^\s*\d+\s*$/.test(text) ? Number(text) : NaN);

function zoneProblem(zone) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone }).format();
    return null;
  } catch {
    return t('schedule_zone_unknown', { zone });
  }
}

// The first thing wrong, in the form's order.
function readDraft(draft) {
  const rule = { every: draft.every, interval: wholeNumber(draft.interval), times: draft.times.filter((time) => time !== ''),
                 weekdays: draft.weekdays, day: Number(draft.day) };
  const window = wholeNumber(draft.window_minutes);
  const grace = wholeNumber(draft.grace_minutes);
  const problems = [
    !draft.name.trim() && t('schedule_needs_name'),
    !draft.site_id && t('schedule_needs_site'),
    !draft.template_family_id && t('schedule_needs_template'),
    !draft.checkpoint_ids.length && t('schedule_needs_route'),
    draft.time_zone.trim() && zoneProblem(draft.time_zone.trim()),
    ruleProblem(rule),
    !(window >= 1 && window <= LONGEST_MINUTES) && t('schedule_window_rule', { most: LONGEST_MINUTES }),
    !(grace >= 0 && grace <= LONGEST_MINUTES) && t('schedule_grace_rule', { most: LONGEST_MINUTES }),
    !draft.starts_on && t('schedule_needs_start'),
    draft.ends_on && draft.ends_on < draft.starts_on && t('schedule_ends_before_start'),
  ];
  const fields = {
    name: draft.name.trim(), site_id: draft.site_id, template_family_id: draft.template_family_id, checkpoint_ids: [...draft.checkpoint_ids],
    assignee_ids: [...draft.assignee_ids], time_zone: draft.time_zone.trim() || null, recurrence: ruleProblem(rule) ? null : cleanRule(rule),
    window_minutes: window, grace_minutes: grace, mode: draft.mode, starts_on: draft.starts_on, ends_on: draft.ends_on || null, active: draft.active,
  };
  return { fields, problem: problems.find(Boolean) || null };
}

export async function renderSchedule(main, scheduleId) {
  const data = await loadRounds();
  const schedule = scheduleId === 'new' ? null : data.byId.get(scheduleId);
  if (scheduleId !== 'new' && (!schedule || schedule.deleted || schedule.type !== 'schedule')) { location.hash = '#/schedules'; return; }
  const draft = draftOf(schedule);
  if (!draft.site_id && data.site.length === 1) draft.site_id = data.site[0].id;
  const refusals = schedule ? await refusalsOf(schedule.id) : [];
  const error = h('p', { class: 'error', role: 'alert', id: 'schedule-error' });
  const routeBox = h('div', { id: 'schedule-route' });
  const assigneeBox = h('div', { id: 'schedule-assignees' });
  const timesBox = h('div', { id: 'schedule-times' });
  const ruleBox = h('div', { id: 'schedule-rule-days' });
  const summary = h('p', { class: 'hint', id: 'schedule-summary', 'aria-live': 'polite' });
  const set = (name) => (event) => {
    draft[name] = event.target.type === 'checkbox' ? event.target.checked : event.target.value;
    drawSummary();
  };
  const text = (id, name, label, attributes = {}) => [h('label', { for: id }, label),
    h('input', { id, value: draft[name], oninput: set(name), ...attributes })];

  function drawSummary() {
    const { fields } = readDraft(draft);
    summary.textContent = fields.recurrence ? describeRule(fields.recurrence) : '';
  }

  function drawRoute() {
    const onSite = data.checkpoint.filter((checkpoint) => checkpoint.fields.site_id === draft.site_id)
      .sort((a, b) => checkpointLabel(a).localeCompare(checkpointLabel(b)));
    const move = (index, by) => {
      const [point] = draft.checkpoint_ids.splice(index, 1);
      draft.checkpoint_ids.splice(index + by, 0, point);
      drawRoute();
    };
    const choose = h('select', { id: 'route-add-choice' }, onSite.filter((checkpoint) => !draft.checkpoint_ids.includes(checkpoint.id))
      .map((checkpoint) => h('option', { value: checkpoint.id }, checkpointLabel(checkpoint))));
    const last = draft.checkpoint_ids.length - 1;
    replace(routeBox,
      h('ol', { class: 'route-list', id: 'route-list' }, draft.checkpoint_ids.map((id, index) => h('li', { 'data-checkpoint': id },
        h('span', {}, `${index + 1}. ${checkpointLabel(data.byId.get(id))}`),
        h('span', { class: 'row' },
          h('button', { type: 'button', class: 'route-up', disabled: index === 0, onclick: () => move(index, -1),
                        'aria-label': t('schedule_move_up_named', { name: checkpointLabel(data.byId.get(id)) }) }, '↑'),
          h('button', { type: 'button', class: 'route-down', disabled: index === last, onclick: () => move(index, 1),
                        'aria-label': t('schedule_move_down_named', { name: checkpointLabel(data.byId.get(id)) }) }, '↓'),
          h('button', { type: 'button', class: 'danger route-remove', onclick: () => { draft.checkpoint_ids.splice(index, 1); drawRoute(); },
                        'aria-label': t('schedule_remove_named', { name: checkpointLabel(data.byId.get(id)) }) }, '✕'))))),
      draft.site_id ? h('div', { class: 'filters' },
        h('div', {}, h('label', { for: 'route-add-choice' }, t('schedule_add_point')), choose),
        h('div', {}, h('button', { type: 'button', id: 'route-add', disabled: !choose.options.length, onclick: () => {
          if (choose.value) draft.checkpoint_ids.push(choose.value);
          drawRoute();
        } }, t('schedule_add_to_route')))) : null);
  }

  function drawAssignees() {
    const inspectors = data.users.filter((user) => user.role === 'inspector'
      && (!user.site_ids?.length || user.site_ids.includes(draft.site_id) || draft.assignee_ids.includes(user.id)));
    const toggle = (id) => (event) => {
      draft.assignee_ids = event.target.checked ? [...draft.assignee_ids, id] : draft.assignee_ids.filter((other) => other !== id);
    };
    replace(assigneeBox,
      h('p', { class: 'hint' }, t(data.users.length ? 'schedule_assignees_hint' : 'schedule_assignees_offline')),
      inspectors.map((user) => h('div', { class: 'check' },
        h('input', { type: 'checkbox', id: `assignee-${user.id}`, class: 'assignee', value: user.id, checked: draft.assignee_ids.includes(user.id),
                     onchange: toggle(user.id) }),
        h('label', { for: `assignee-${user.id}` }, user.name || user.username))));
  }

  function drawTimes() {
    replace(timesBox,
      h('ul', { class: 'cards', id: 'time-list' }, draft.times.map((time, index) => h('li', { class: 'row time-row' },
        h('label', { for: `time-${index}`, class: 'visually-hidden' }, `${t('schedule_times')} ${index + 1}`),
        h('input', { type: 'time', id: `time-${index}`, class: 'schedule-time', value: time, required: true,
                     oninput: (event) => { draft.times[index] = event.target.value; drawSummary(); } }),
        h('button', { type: 'button', class: 'danger remove-time', onclick: () => { draft.times.splice(index, 1); drawTimes(); },
                      'aria-label': t('schedule_remove_time', { time: time || index + 1 }) }, '✕')))),
      h('button', { type: 'button', id: 'add-time', onclick: () => { draft.times.push(''); drawTimes(); timesBox.querySelector('li:last-child input')?.focus(); } },
        t('schedule_add_time')));
    drawSummary();
  }

  function drawRuleDays() {
    if (draft.every === 'week') {
      replace(ruleBox, h('fieldset', { class: 'item', id: 'schedule-weekdays' }, h('legend', {}, t('schedule_weekdays')),
        h('div', { class: 'row' }, WEEKDAYS.map((day) => h('div', { class: 'check' },
          h('input', { type: 'checkbox', id: `weekday-${day}`, value: String(day), checked: draft.weekdays.includes(day), onchange: (event) => {
            draft.weekdays = event.target.checked ? [...draft.weekdays, day] : draft.weekdays.filter((other) => other !== day);
            drawSummary();
          } }),
          h('label', { for: `weekday-${day}` }, weekdayName(day, 'long')))))));
    } else if (draft.every === 'month') {
      replace(ruleBox, h('label', { for: 'schedule-day' }, t('schedule_day')),
        h('select', { id: 'schedule-day', onchange: (event) => { draft.day = Number(event.target.value); drawSummary(); } },
          [...Array.from({ length: 31 }, (_, index) => [index + 1, String(index + 1)]), [-1, t('schedule_last_day')]]
            .map(([value, label]) => h('option', { value: String(value), selected: value === Number(draft.day) }, label))));
    } else {
      replace(ruleBox);
    }
    drawSummary();
  }

  const families = [...new Set(data.template.map(familyOf))].map((family) => currentRevision(data.template, family))
    .filter((template) => template.fields.active !== false || familyOf(template) === draft.template_family_id)
    .sort((a, b) => localName(a.fields).localeCompare(localName(b.fields)));
  const select = (id, name, label, options, onChange = () => {}) => [h('label', { for: id }, label),
    h('select', { id, onchange: (event) => { set(name)(event); onChange(); } },
      options.map(([value, text]) => h('option', { value, selected: value === String(draft[name]) }, text)))];
  const form = h('form', { class: 'stack schedule-form', id: 'schedule-form', novalidate: true },
    refusalBox(refusals),
    text('schedule-name', 'name', t('field_name'), { maxlength: 200, required: true }),
    text('schedule-name-zh', 'name_zh', t('field_name_zh'), { maxlength: 200, lang: 'zh-CN' }),
    select('schedule-site', 'site_id', t('site'), [['', '—'], ...data.site.map((place) => [place.id, localName(place.fields)])], () => {
      draft.checkpoint_ids = draft.checkpoint_ids.filter((id) => data.byId.get(id)?.fields.site_id === draft.site_id);
      drawRoute();
      drawAssignees();
    }),
    select('schedule-template', 'template_family_id', t('schedule_template'),
      [['', '—'], ...families.map((template) => [familyOf(template), localName(template.fields)])]),
    h('h2', {}, t('schedule_route')), routeBox,
    h('h2', {}, t('schedule_assignees')), assigneeBox,
    h('h2', {}, t('schedule_when')),
    select('schedule-every', 'every', t('schedule_every'), EVERY.map((every) => [every, t(`schedule_every_${every}`)]), drawRuleDays),
    text('schedule-interval', 'interval', t('schedule_interval'), { type: 'number', min: 1, max: 120, step: 1 }),
    h('fieldset', { class: 'place' }, h('legend', {}, t('schedule_times')), timesBox),
    ruleBox,
    summary,
    text('schedule-zone', 'time_zone', t('schedule_time_zone'), { list: 'zone-names', placeholder: t('schedule_zone_server'), autocomplete: 'off' }),
    h('datalist', { id: 'zone-names' }, (Intl.supportedValuesOf?.('timeZone') || []).map((zone) => h('option', { value: zone }))),
    text('schedule-window', 'window_minutes', t('schedule_window_minutes'), { type: 'number', min: 1, step: 1 }),
    text('schedule-grace', 'grace_minutes', t('schedule_grace_minutes'), { type: 'number', min: 0, step: 1 }),
    select('schedule-mode', 'mode', t('schedule_mode'), MODES.map((mode) => [mode, t(`schedule_mode_${mode}`)])),
    text('schedule-starts', 'starts_on', t('schedule_starts_on'), { type: 'date', required: true }),
    text('schedule-ends', 'ends_on', t('schedule_ends_on'), { type: 'date' }),
    h('div', { class: 'check' }, h('input', { type: 'checkbox', id: 'schedule-active', checked: draft.active, onchange: set('active') }),
      h('label', { for: 'schedule-active' }, t('schedule_active'))),
    error,
    h('button', { type: 'submit', class: 'primary', id: 'save-schedule' }, t('save')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { fields, problem } = readDraft(draft);
    if (problem) {
      error.textContent = problem;
      error.scrollIntoView({ block: 'center' });
      return;
    }
    const names = { ...(schedule?.fields.names || {}) };
    if (draft.name_zh.trim()) names.zh = draft.name_zh.trim();
    else delete names.zh;
    if (Object.keys(names).length || schedule?.fields.names) fields.names = Object.keys(names).length ? names : null;
    await saveSchedule(schedule, fields);
    location.hash = '#/schedules';
  });
  drawRoute();
  drawAssignees();
  drawTimes();
  drawRuleDays();
  replace(main,
    h('a', { href: '#/schedules', class: 'back' }, `‹ ${t('nav_schedules')}`),
    h('h1', {}, schedule ? localName(schedule.fields) : t('schedule_new')),
    form);
}
