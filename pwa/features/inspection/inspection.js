/**
 * One inspection against its checklist. Every change is saved on the phone at
 * once (a draft survives a reload, a crash or an app update); a failed item
 * offers to raise a finding with its photos. And the inspector's own list.
 */

import { isAnswered, itemOutcome, meterWarning, score } from '../../checklist.js';
import * as db from '../../db.js';
import { localName, t } from '../../i18n.js';
import { preparePhoto } from '../../photos.js';
import { addPhoto, currentUser, removePhoto } from '../../records.js';
import { childrenOf } from '../../query.js';
import { saveAnswer, submitInspection } from './changes.js';
import { photoBytes, syncNow, unsentIds } from '../../sync.js';
import { unsentMark } from '../status/status.js';
import { announce, cameraInput, h, photoImage, replace } from '../../dom.js';

const TYPING_PAUSE_MS = 400;
const unsaved = new Map();

/** Save after a pause in typing; anything still unsaved is saved when the app is hidden or closed. */
function saveAfterPause(key, save) {
  clearTimeout(unsaved.get(key)?.timer);
  const timer = setTimeout(() => { unsaved.delete(key); save(); }, TYPING_PAUSE_MS);
  unsaved.set(key, { timer, save });
}

function saveNow(key, save) {
  clearTimeout(unsaved.get(key)?.timer);
  unsaved.delete(key);
  return save();
}

function flushUnsaved() {
  for (const [key, { save }] of unsaved) saveNow(key, save);
}
addEventListener('pagehide', flushUnsaved);
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flushUnsaved(); });

/** One inspection; `focusItem` (an item key) is where the inspector comes back to, with `outcome` said beside it. */
export async function renderInspection(main, inspectionId, focusItem = null, outcome = null) {
  const inspection = await db.getRecord(inspectionId);
  if (!inspection) {
    location.hash = '#/inspections';
    return;
  }
  const [template, checkpoint, photos] = await Promise.all([
    db.getRecord(inspection.fields.template_id), db.getRecord(inspection.fields.checkpoint_id), childrenOf(inspectionId, 'photo')]);
  const previous = template.fields.items.some((item) => item.meter) ? await previousReadings(inspection, template) : {};
  const answers = { ...(inspection.fields.answers || {}) };
  const editable = inspection.fields.status === 'draft';
  const saved = h('p', { class: 'saved hint', 'aria-live': 'polite' });
  const problems = h('p', { class: 'error', role: 'alert' });

  async function save(key) {
    await saveAnswer(inspectionId, key, answers[key]);
    saved.textContent = t('draft_saved');
  }

  const items = template.fields.items.map((item) => renderItem(item, {
    answer: () => answers[item.key] || { value: null, note: null },
    setValue: (value) => { answers[item.key] = { ...(answers[item.key] || { note: null }), value }; return save(item.key); },
    setNote: (note) => { answers[item.key] = { ...(answers[item.key] || { value: null }), note }; return save(item.key); },
    photos: () => photos.filter((photo) => photo.fields.item_key === item.key),
    addPhoto: async (file) => {
      const prepared = await preparePhoto(file);
      const id = await addPhoto('inspection', inspectionId, item.key, 'evidence', prepared);
      photos.push(await db.getRecord(id));
      saved.textContent = t('draft_saved');
    },
    removePhoto: async (photo) => {
      await removePhoto(photo.id);
      photos.splice(photos.indexOf(photo), 1);
    },
    raiseFinding: `#/finding/new?inspection=${inspectionId}&item=${encodeURIComponent(item.key)}`,
    previous: previous[item.key] || null,
    editable,
  }));

  const submit = editable ? h('button', { type: 'button', class: 'primary', id: 'submit-inspection', onclick: async () => {
    const missing = template.fields.items.filter((item) => item.required
      && !isAnswered(item, answers[item.key], photos.filter((p) => p.fields.item_key === item.key).length));
    if (missing.length) {
      problems.textContent = t('missing_required', { count: missing.length });
      document.getElementById(`item-${missing[0].key}`)?.scrollIntoView();
      return;
    }
    const submittedScore = score(template.fields.items, answers);
    await submitInspection(inspectionId, submittedScore);
    syncNow();
    if (inspection.fields.round_id) { // on to the round's next point, which says this one counted
      location.hash = `#/round/${inspection.fields.round_id}?submitted=${inspectionId}`;
      return;
    }
    await renderInspection(main, inspectionId);
    announce(main, submittedScore === null ? t('submitted_outcome') : t('submitted_outcome_score', { score: submittedScore }), main.querySelector('h1'));
  } }, t('submit')) : null;

  replace(main,
    inspection.fields.round_id ? h('a', { href: `#/round/${inspection.fields.round_id}`, class: 'back' }, `‹ ${t('round_back')}`)
      : checkpoint ? h('a', { href: `#/checkpoint/${checkpoint.id}`, class: 'back' }, `‹ ${localName(checkpoint.fields)}`) : null,
    h('h1', {}, localName(template.fields)),
    h('p', {}, h('span', { class: `chip ${inspection.fields.status}` }, t(`status_${inspection.fields.status}`)),
      inspection.fields.score != null ? ` ${inspection.fields.score}%` : ''),
    inspection.fields.review_note ? h('p', { class: editable ? 'notice' : 'notice-ok', id: 'review-note-shown' },
      h('strong', {}, `${t(editable ? 'sent_back_by_office' : 'review_note')}: `), inspection.fields.review_note) : null,
    // Once submitted, nothing on the checklist changes; say why instead of leaving controls that do nothing.
    editable ? null : h('p', { class: 'hint', id: 'locked-reason' }, t(`locked_${inspection.fields.status}`)),
    h('form', { class: 'checklist', onsubmit: (event) => event.preventDefault() }, items),
    saved, problems, submit);
  const item = focusItem ? document.getElementById(`item-${focusItem}`) : null;
  if (item && outcome) announce(main, outcome, item.querySelector('.finding-link'));
  else item?.scrollIntoView({ block: 'center' });
}

/**
 * Each meter item's previous reading at this checkpoint: from the latest submitted or reviewed
 * inspection in the replica of the same template family (any revision) that answered it.
 */
async function previousReadings(inspection, template) {
  const [inspections, templates] = await Promise.all([db.recordsOfType('inspection'), db.recordsOfType('template')]);
  const familyOf = (record) => record?.fields.family_id || record?.id;
  const family = familyOf(template);
  const families = new Map(templates.map((record) => [record.id, familyOf(record)]));
  const when = (record) => record.fields.completed_at || record.fields.started_at || '';
  const earlier = inspections
    .filter((other) => other.id !== inspection.id && !other.deleted && ['submitted', 'reviewed'].includes(other.fields.status)
                       && other.fields.checkpoint_id === inspection.fields.checkpoint_id && families.get(other.fields.template_id) === family)
    .sort((a, b) => when(b).localeCompare(when(a)));
  const readings = {};
  for (const item of template.fields.items.filter((candidate) => candidate.meter)) {
    const last = earlier.find((other) => typeof other.fields.answers?.[item.key]?.value === 'number');
    if (last) readings[item.key] = { value: last.fields.answers[item.key].value, at: when(last) };
  }
  return readings;
}

/** The line under a meter item: its previous reading and date, or that there is none yet. */
function previousLine(item, previous) {
  if (!previous) return h('p', { class: 'hint meter-previous', id: `previous-${item.key}` }, t('meter_no_previous'));
  const reading = `${previous.value}${item.unit ? ` ${item.unit}` : ''}`;
  return h('p', { class: 'hint meter-previous', id: `previous-${item.key}` },
    t('meter_previous', { reading, date: new Date(previous.at).toLocaleDateString(document.documentElement.lang || undefined) }));
}

function renderItem(item, actions) {
  const answer = actions.answer();
  const legendId = `label-${item.key}`;
  const verdict = h('p', { class: 'verdict', 'aria-live': 'polite' });
  // A meter's reading is checked against the last one: a warning to look again, not a fail.
  const meterCheck = item.meter ? h('p', { class: 'meter-warning', id: `meter-warning-${item.key}`, 'aria-live': 'polite', hidden: true }) : null;
  const findingLink = h('a', { class: 'button danger finding-link', href: actions.raiseFinding, hidden: true }, t('raise_finding'));
  const showOutcome = (value) => {
    const outcome = itemOutcome(item, value);
    findingLink.hidden = outcome !== 'fail';
    if (item.kind === 'number' && value !== null && value !== undefined) {
      verdict.textContent = outcome === 'fail' ? t('out_of_range', { min: item.min ?? '−∞', max: item.max ?? '∞' }) : t('in_range');
      verdict.dataset.outcome = outcome;
    }
    if (meterCheck) {
      const warning = actions.previous ? meterWarning(item, value, actions.previous.value) : null;
      meterCheck.hidden = !warning;
      meterCheck.textContent = warning ? t(`meter_${warning}`, { previous: actions.previous.value, ratio: item.max_jump_ratio }) : '';
    }
  };
  const control = itemControl(item, answer.value, actions, showOutcome);
  const photoRow = h('div', { class: 'photo-row' });
  const drawPhotos = () => replace(photoRow, actions.photos().map((photo) => h('figure', {},
    photoImage(() => photoBytes(photo.fields.blob), localName(item, 'label', 'labels')),
    actions.editable ? h('button', { type: 'button', class: 'remove', 'aria-label': t('remove_photo'),
                                     onclick: async () => { await actions.removePhoto(photo); drawPhotos(); } }, '×') : null)));
  drawPhotos();
  const fileInput = actions.editable ? cameraInput(`photo-${item.key}`, actions.addPhoto, drawPhotos) : null;
  const saveNote = (event) => () => actions.setNote(event.target.value || null);
  const note = h('textarea', { id: `note-${item.key}`, rows: 2, disabled: !actions.editable, value: answer.note || '',
                               oninput: (event) => saveAfterPause(`note-${item.key}`, saveNote(event)),
                               onchange: (event) => saveNow(`note-${item.key}`, saveNote(event)) });
  showOutcome(answer.value);
  return h('fieldset', { class: 'item', id: `item-${item.key}`, 'aria-labelledby': legendId },
    h('legend', { id: legendId }, localName(item, 'label', 'labels'), item.required ? h('span', { class: 'required' }, ` (${t('required')})`) : null),
    item.meter ? previousLine(item, actions.previous) : null,
    control, verdict, meterCheck,
    h('details', { open: Boolean(answer.note) }, h('summary', {}, t('add_note')), h('label', { for: `note-${item.key}`, class: 'visually-hidden' }, t('add_note')), note),
    photoRow,
    actions.editable ? [h('label', { for: `photo-${item.key}`, class: 'button photo-button' }, t('add_photo')), fileInput] : null,
    findingLink);
}

function choiceGroup(item, options, current, actions, showOutcome) {
  return h('div', { class: `choices ${item.kind}`, role: 'radiogroup', 'aria-labelledby': `label-${item.key}` },
    options.map(([value, label]) => {
      const id = `${item.key}-${value}`;
      return h('span', { class: 'choice' },
        h('input', { type: 'radio', name: item.key, id, value: String(value), checked: current === value, disabled: !actions.editable,
                     onchange: () => { showOutcome(value); actions.setValue(value); } }),
        h('label', { for: id, class: `option-${value}` }, label));
    }));
}

function itemControl(item, current, actions, showOutcome) {
  if (item.kind === 'pass_fail') {
    return choiceGroup(item, [['pass', t('pass')], ['fail', t('fail')], ['na', t('na')]], current, actions, showOutcome);
  }
  if (item.kind === 'score') {
    const values = [];
    for (let value = item.min; value <= item.max; value += 1) values.push([value, String(value)]);
    return choiceGroup(item, values, current, actions, showOutcome);
  }
  if (item.kind === 'choice') {
    const labels = item.choice_labels?.[document.documentElement.lang.slice(0, 2)] || {};
    return choiceGroup(item, item.choices.map((choice) => [choice, labels[choice] || choice]), current, actions, showOutcome);
  }
  const key = `value-${item.key}`;
  if (item.kind === 'number') {
    const read = (input) => (input.value === '' || Number.isNaN(input.valueAsNumber) ? null : input.valueAsNumber);
    return h('div', { class: 'number' },
      h('input', { type: 'number', step: 'any', inputmode: 'decimal', id: key, 'aria-labelledby': `label-${item.key}`,
                   value: current ?? '', disabled: !actions.editable,
                   oninput: (event) => { const value = read(event.target); showOutcome(value); saveAfterPause(key, () => actions.setValue(value)); },
                   onchange: (event) => saveNow(key, () => actions.setValue(read(event.target))) }),
      item.unit ? h('span', { class: 'unit' }, item.unit) : null);
  }
  if (item.kind === 'text') {
    const value = (event) => () => actions.setValue(event.target.value || null);
    return h('textarea', { id: key, rows: 3, 'aria-labelledby': `label-${item.key}`, value: current ?? '', disabled: !actions.editable,
                           oninput: (event) => saveAfterPause(key, value(event)),
                           onchange: (event) => saveNow(key, value(event)) });
  }
  return null; // a photo item is answered by its photos
}

/** The inspector's own inspections, newest first. */
export async function renderInspections(main) {
  const [user, inspections, templates, checkpoints] = await Promise.all([currentUser(), db.recordsOfType('inspection'),
    db.recordsOfType('template'), db.recordsOfType('checkpoint')]);
  const names = new Map([...templates, ...checkpoints].map((record) => [record.id, localName(record.fields)]));
  const unsent = await unsentIds();
  const mine = inspections.filter((inspection) => !inspection.deleted && inspection.fields.inspector_id === user.id)
    .sort((a, b) => (b.fields.started_at || '').localeCompare(a.fields.started_at || ''));
  replace(main,
    h('h1', {}, t('nav_inspections')),
    mine.length ? h('ul', { class: 'cards' }, mine.map((inspection) => h('li', {},
      h('a', { href: `#/inspection/${inspection.id}`, class: 'card' },
        h('span', { class: 'card-title' }, names.get(inspection.fields.template_id) || t('inspection')),
        h('span', { class: `chip ${inspection.fields.status}` }, t(`status_${inspection.fields.status}`)),
        unsentMark(unsent, inspection.id),
        h('span', { class: 'card-sub' }, `${names.get(inspection.fields.checkpoint_id) || ''} · ${new Date(inspection.fields.started_at).toLocaleString()}`))))) : h('p', {}, t('no_inspections')));
}
