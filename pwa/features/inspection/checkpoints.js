/** Today's work: the inspector's sites, their areas and checkpoints; find by name, code or QR label. */

import { localName, t } from '../../i18n.js';
import * as db from '../../db.js';
import { areaChain } from '../../query.js';
import { startInspection } from './changes.js';
import { canScan, scanCode } from './scan.js';
import { h, replace } from '../../dom.js';

let query = '';

const areaPath = (areaId, areas) => areaChain(areaId, areas).map((area) => localName(area.fields)).join(' / ');

export async function renderCheckpoints(main) {
  const [sites, areaList, checkpoints] = await Promise.all([db.recordsOfType('site'), db.recordsOfType('area'), db.recordsOfType('checkpoint')]);
  const areas = new Map(areaList.map((area) => [area.id, area]));
  const live = checkpoints.filter((checkpoint) => !checkpoint.deleted);
  const list = h('ul', { class: 'cards', id: 'checkpoint-list' });
  const message = h('p', { role: 'status', class: 'hint' });

  function show() {
    const needle = query.trim().toLowerCase();
    const matches = live.filter((checkpoint) => !needle
      || (checkpoint.fields.code || '').toLowerCase().includes(needle)
      || localName(checkpoint.fields).toLowerCase().includes(needle)
      || checkpoint.fields.name.toLowerCase().includes(needle));
    matches.sort((a, b) => (a.fields.code || a.fields.name).localeCompare(b.fields.code || b.fields.name));
    replace(list, matches.map((checkpoint) => h('li', {},
      h('a', { href: `#/checkpoint/${checkpoint.id}`, class: 'card' },
        h('span', { class: 'card-title' }, localName(checkpoint.fields)),
        h('span', { class: 'code' }, checkpoint.fields.code || ''),
        h('span', { class: 'card-sub' }, `${t(`category_${checkpoint.fields.category}`)} · ${areaPath(checkpoint.fields.area_id, areas)}`)))));
    message.textContent = matches.length ? '' : t('no_checkpoints');
  }

  const search = h('input', { id: 'checkpoint-search', type: 'search', value: query, placeholder: t('search_placeholder'),
                              autocomplete: 'off', autocapitalize: 'characters',
                              oninput: (event) => { query = event.target.value; show(); } });
  const scanner = h('div', { class: 'scanner' });
  replace(main,
    h('h1', {}, t('nav_checkpoints')),
    sites.length ? h('p', { class: 'hint' }, `${t('site')}: ${sites.filter((s) => !s.deleted).map((s) => localName(s.fields)).join(', ')}`) : null,
    h('label', { for: 'checkpoint-search' }, t('search_label')),
    search,
    h('div', { class: 'row' },
      h('button', { type: 'button', onclick: () => scan(scanner, live, message) }, t('scan_qr')),
      // A patrol sees a leak on the way: a finding with no checklist, at a place chosen on the form.
      h('a', { href: '#/finding/new', class: 'button danger', id: 'report-problem' }, t('report_problem'))),
    scanner,
    message,
    list);
  show();
}

/** Scan a QR label and open its checkpoint; without a camera, say to type the code. */
async function scan(scanner, checkpoints, message) {
  if (!canScan()) {
    message.textContent = t('scan_unsupported');
    document.getElementById('checkpoint-search').focus();
    return;
  }
  message.textContent = '';
  const code = await scanCode(scanner);
  if (code === null) return;
  const match = checkpoints.find((checkpoint) => (checkpoint.fields.code || '').toLowerCase() === code.toLowerCase());
  if (match) location.hash = `#/checkpoint/${match.id}`;
  else message.textContent = t('scan_no_match', { code });
}

export async function renderCheckpoint(main, checkpointId) {
  const [checkpoint, templates, inspections] = await Promise.all([db.getRecord(checkpointId), db.recordsOfType('template'), db.recordsOfType('inspection')]);
  if (!checkpoint) {
    location.hash = '#/checkpoints';
    return;
  }
  const fitting = templates.filter((template) => !template.deleted && template.fields.active !== false
                                                 && template.fields.category === checkpoint.fields.category);
  const here = inspections.filter((inspection) => inspection.fields.checkpoint_id === checkpointId && !inspection.deleted)
    .sort((a, b) => (b.fields.started_at || '').localeCompare(a.fields.started_at || ''));
  replace(main,
    h('a', { href: '#/checkpoints', class: 'back' }, `‹ ${t('back')}`),
    h('h1', {}, localName(checkpoint.fields)),
    h('p', { class: 'code' }, checkpoint.fields.code || ''),
    fitting.length ? h('div', { class: 'stack' }, fitting.map((template) => h('button', {
      type: 'button', class: 'primary',
      onclick: async () => { location.hash = `#/inspection/${await startInspection(template, checkpoint)}`; },
    }, t('start_inspection', { template: localName(template.fields) })))) : h('p', {}, t('no_templates')),
    h('a', { href: `#/finding/new?checkpoint=${checkpoint.id}`, class: 'button danger', id: 'report-problem-here' }, t('report_problem_here')),
    h('h2', {}, t('past_inspections')),
    here.length ? h('ul', { class: 'cards' }, here.map((inspection) => h('li', {},
      h('a', { href: `#/inspection/${inspection.id}`, class: 'card' },
        h('span', { class: 'card-title' }, localName(templates.find((x) => x.id === inspection.fields.template_id)?.fields)),
        h('span', { class: `chip ${inspection.fields.status}` }, t(`status_${inspection.fields.status}`)),
        h('span', { class: 'card-sub' }, new Date(inspection.fields.started_at).toLocaleString()))))) : h('p', {}, t('no_inspections')));
}
