/** Findings: raise one (from a failed item or on its own), and follow your own as office and contractors act. */

import * as db from '../../db.js';
import { localName, t } from '../../i18n.js';
import { preparePhoto } from '../../photos.js';
import { addPhoto, CATEGORIES, currentUser, editRecord } from '../../records.js';
import { areaChain, childrenOf, isWithin } from '../../query.js';
import { createFinding, SEVERITIES } from './changes.js';
import { historyList, statusChip } from './history.js';
import { photoBytes, unsentIds } from '../../sync.js';
import { unsentMark } from '../status/status.js';
import { cameraInput, h, photoImage, replace } from '../../dom.js';


function radioRow(name, values, current, label) {
  return h('div', { class: `choices ${name}`, role: 'radiogroup', 'aria-label': label },
    values.map((value) => h('span', { class: 'choice' },
      h('input', { type: 'radio', name, id: `${name}-${value}`, value, checked: value === current, required: true }),
      h('label', { for: `${name}-${value}`, class: `option-${value}` }, t(`${name}_${value}`)))));
}

/**
 * Where a finding raised on its own is (a patrol sees a leak on the way): a
 * site, and if the inspector says so an area and a checkpoint in it. The
 * choices narrow as they go: areas of the site, checkpoints of the area.
 */
async function placePicker() {
  const [sites, areas, checkpoints] = await Promise.all(['site', 'area', 'checkpoint'].map(async (type) =>
    (await db.recordsOfType(type)).filter((record) => !record.deleted)));
  const areasById = new Map(areas.map((area) => [area.id, area]));
  const byName = (a, b) => a.label.localeCompare(b.label);
  const options = (records, label) => records.map((record) => ({ value: record.id, label: label(record) })).sort(byName);
  const select = (id, choices, blank) => h('select', { id, name: id },
    blank ? h('option', { value: '' }, '—') : null,
    choices.map((choice) => h('option', { value: choice.value }, choice.label)));
  const siteSelect = select('finding-site', options(sites, (site) => localName(site.fields)), false);
  const areaSlot = h('div', { class: 'stack' });
  const checkpointSlot = h('div', { class: 'stack' });

  const drawCheckpoints = () => {
    const site = siteSelect.value;
    const area = areaSlot.querySelector('select')?.value || '';
    const fitting = checkpoints.filter((checkpoint) => checkpoint.fields.site_id === site
      && (!area || isWithin(checkpoint.fields.area_id, area, areasById)));
    replace(checkpointSlot, h('label', { for: 'finding-checkpoint' }, t('finding_checkpoint')),
      select('finding-checkpoint', options(fitting, (checkpoint) => `${localName(checkpoint.fields)}${checkpoint.fields.code ? ` (${checkpoint.fields.code})` : ''}`), true));
  };
  const drawAreas = () => {
    const here = areas.filter((area) => area.fields.site_id === siteSelect.value);
    const areaSelect = select('finding-area', options(here, (area) => areaChain(area.id, areasById).map((step) => localName(step.fields)).join(' / ')), true);
    areaSelect.addEventListener('change', drawCheckpoints);
    replace(areaSlot, h('label', { for: 'finding-area' }, t('finding_area')), areaSelect);
    drawCheckpoints();
  };
  siteSelect.addEventListener('change', drawAreas);
  drawAreas();

  return {
    hasSites: sites.length > 0,
    controls: h('fieldset', { class: 'stack place' }, h('legend', {}, t('finding_place')),
      h('label', { for: 'finding-site' }, t('site')), siteSelect, areaSlot, checkpointSlot),
    /** The chosen place as finding fields; a checkpoint brings its own area when none was chosen. */
    chosen() {
      const checkpoint = checkpoints.find((record) => record.id === checkpointSlot.querySelector('select').value) || null;
      const area = areaSlot.querySelector('select').value || checkpoint?.fields.area_id || null;
      return { site_id: siteSelect.value || null, area_id: area, checkpoint_id: checkpoint?.id ?? null };
    },
  };
}

/**
 * The form for a new finding; `params` may name the inspection and item it
 * comes from, or a checkpoint. With neither, the inspector says where.
 */
export async function renderNewFinding(main, params) {
  const inspection = params.get('inspection') ? await db.getRecord(params.get('inspection')) : null;
  const template = inspection ? await db.getRecord(inspection.fields.template_id) : null;
  const item = template?.fields.items.find((candidate) => candidate.key === params.get('item')) || null;
  const checkpoint = await db.getRecord(inspection?.fields.checkpoint_id || params.get('checkpoint'));
  const picker = inspection || checkpoint ? null : await placePicker();
  const back = h('a', { href: inspection ? `#/inspection/${inspection.id}` : checkpoint ? `#/checkpoint/${checkpoint.id}` : '#/findings', class: 'back' }, `‹ ${t('back')}`);
  if (picker && !picker.hasSites) {
    replace(main, back, h('h1', {}, t('new_finding')), h('p', { class: 'error', role: 'alert', id: 'no-sites' }, t('no_sites')));
    return;
  }
  const itemPhotos = inspection ? (await childrenOf(inspection.id, 'photo')).filter((photo) => photo.fields.item_key === item?.key) : [];
  const newPhotos = [];
  const answer = item ? inspection.fields.answers?.[item.key] : null;
  const photoRow = h('div', { class: 'photo-row' });
  const drawPhotos = () => replace(photoRow,
    itemPhotos.map((photo) => h('figure', {}, photoImage(() => photoBytes(photo.fields.blob), t('photos')))),
    newPhotos.map((prepared) => h('figure', {}, photoImage(async () => prepared.bytes, t('photos')))));
  drawPhotos();

  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'stack' },
    picker?.controls,
    h('label', { for: 'finding-title' }, t('title')),
    h('input', { id: 'finding-title', name: 'title', required: true, maxlength: 500,
                 value: item ? `${localName(item, 'label', 'labels')}${checkpoint ? ` — ${localName(checkpoint.fields)}` : ''}` : '' }),
    h('span', { id: 'severity-label', class: 'label' }, t('severity')),
    radioRow('severity', SEVERITIES, 'medium', t('severity')),
    h('label', { for: 'finding-category' }, t('category')),
    h('select', { id: 'finding-category', name: 'category' },
      CATEGORIES.map((category) => h('option', { value: category, selected: category === (template?.fields.category || checkpoint?.fields.category || 'other') },
        t(`category_${category}`)))),
    h('label', { for: 'finding-description' }, t('description')),
    h('textarea', { id: 'finding-description', name: 'description', rows: 4, value: answer?.note || '' }),
    h('span', { class: 'label' }, t('photos')),
    photoRow,
    h('label', { for: 'finding-photo', class: 'button photo-button' }, t('add_photo')),
    cameraInput('finding-photo', async (file) => newPhotos.push(await preparePhoto(file)), drawPhotos),
    h('button', { type: 'submit', class: 'primary' }, t('save_finding')),
    error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    if (!data.get('title').trim()) {
      error.textContent = t('title');
      return;
    }
    const place = picker ? picker.chosen() : {
      site_id: checkpoint?.fields.site_id || inspection?.fields.site_id,
      area_id: checkpoint?.fields.area_id ?? inspection?.fields.area_id ?? null,
      checkpoint_id: checkpoint?.id ?? null,
    };
    if (!place.site_id) {
      error.textContent = t('need_site');
      return;
    }
    const findingId = await createFinding({
      inspection_id: inspection?.id ?? null, ...place, item_key: item?.key ?? null, category: data.get('category'),
      title: data.get('title').trim(), severity: data.get('severity') || 'medium', description: data.get('description') || null,
    }, itemPhotos.map((photo) => photo.fields.blob));
    for (const prepared of newPhotos) await addPhoto('finding', findingId, item?.key ?? null, 'before', prepared);
    // Raised from a checklist still being filled in: back to it, at the item, where the round goes on.
    location.hash = inspection?.fields.status === 'draft'
      ? `#/inspection/${inspection.id}?item=${encodeURIComponent(item?.key || '')}&finding=${findingId}` : `#/finding/${findingId}`;
  });
  replace(main, back, h('h1', {}, t('new_finding')), form);
}

export async function renderFindings(main) {
  const user = await currentUser();
  const unsent = await unsentIds();
  const mine = (await db.recordsOfType('finding')).filter((finding) => !finding.deleted && finding.fields.created_by === user.id)
    .sort((a, b) => (b.fields.reported_at || '').localeCompare(a.fields.reported_at || '') || (b.id > a.id ? 1 : -1)); // newest first
  replace(main,
    h('h1', {}, t('nav_findings')),
    h('a', { href: '#/finding/new', class: 'button primary', id: 'raise-finding' }, t('raise_finding')),
    mine.length ? h('ul', { class: 'cards', id: 'finding-list' }, mine.map((finding) => h('li', {},
      h('a', { href: `#/finding/${finding.id}`, class: 'card' },
        h('span', { class: 'card-title' }, finding.fields.title),
        statusChip(finding),
        unsentMark(unsent, finding.id),
        h('span', { class: 'card-sub' }, `${t(`severity_${finding.fields.severity}`)} · ${t(`category_${finding.fields.category}`)}`,
          finding.fields.due_date ? ` · ${t('due', { date: finding.fields.due_date })}` : ''))))) : h('p', {}, t('no_findings')));
}

export async function renderFinding(main, findingId) {
  const [finding, user] = await Promise.all([db.getRecord(findingId), currentUser()]);
  if (!finding) {
    location.hash = '#/findings';
    return;
  }
  const [checkpoint, own, site, areas] = await Promise.all([db.getRecord(finding.fields.checkpoint_id), childrenOf(findingId, 'photo'),
    db.getRecord(finding.fields.site_id), db.recordsOfType('area')]);
  const place = [site, ...areaChain(finding.fields.area_id, new Map(areas.map((area) => [area.id, area])))]
    .filter(Boolean).map((record) => localName(record.fields)).join(' / ');
  const editable = finding.fields.status === 'open' && finding.fields.created_by === user.id;
  const saved = h('p', { class: 'hint', 'aria-live': 'polite' });
  const severity = editable ? radioRow('severity', SEVERITIES, finding.fields.severity, t('severity')) : null;
  severity?.addEventListener('change', async (event) => { await editRecord(findingId, { severity: event.target.value }); saved.textContent = t('draft_saved'); });
  // A finding of a round still being filled in leads back to that round; any other, to the list.
  const inspection = finding.fields.inspection_id ? await db.getRecord(finding.fields.inspection_id) : null;
  const backTo = inspection?.fields.status === 'draft' && inspection.fields.inspector_id === user.id
    ? h('a', { href: `#/inspection/${inspection.id}?item=${encodeURIComponent(finding.fields.item_key || '')}`, class: 'back', id: 'back-to-inspection' }, `‹ ${t('back_to_inspection')}`)
    : h('a', { href: '#/findings', class: 'back' }, `‹ ${t('nav_findings')}`);
  replace(main,
    backTo,
    h('h1', {}, finding.fields.title),
    h('p', {}, statusChip(finding, 'finding-status'),
      ` ${t(`severity_${finding.fields.severity}`)} · ${t(`category_${finding.fields.category}`)}`,
      finding.fields.due_date ? ` · ${t('due', { date: finding.fields.due_date })}` : ''),
    place ? h('p', { id: 'finding-place' }, h('strong', {}, `${t('location')}: `), place) : null,
    checkpoint ? h('p', { class: 'code' }, `${localName(checkpoint.fields)} ${checkpoint.fields.code || ''}`) : null,
    severity,
    editable
      ? h('div', { class: 'stack' }, h('label', { for: 'edit-description' }, t('description')),
        h('textarea', { id: 'edit-description', rows: 4, value: finding.fields.description || '',
                        onchange: async (event) => { await editRecord(findingId, { description: event.target.value || null }); saved.textContent = t('draft_saved'); } }))
      : h('p', { id: 'finding-description' }, finding.fields.description || ''),
    finding.fields.fix_note ? h('p', {}, h('strong', {}, `${t('fix_note')}: `), finding.fields.fix_note) : null,
    saved,
    h('div', { class: 'photo-row' }, own.map((photo) => h('figure', {},
      photoImage(() => photoBytes(photo.fields.blob), `${t(`photo_role_${photo.fields.role}`)}: ${finding.fields.title}`),
      h('figcaption', {}, t(`photo_role_${photo.fields.role}`))))),
    historyList(finding, { me: user.id }));
}
