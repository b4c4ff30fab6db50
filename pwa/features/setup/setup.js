/**
 * Reference data, for office staff: sites, areas, checkpoints and contractor
 * companies, each listed and edited with one plain form; and printable QR
 * labels of a site's checkpoint codes. Edits are records like any other, so
 * they are made offline too and reach the phones at their next sync.
 */

import * as db from '../../db.js';
import { localName, t } from '../../i18n.js';
import { CATEGORIES, createRecord, editRecord } from '../../records.js';
import { isWithin } from '../../query.js';
import { AREA_KINDS } from '../../vocabulary.js';
import { apiImageUrl, OfflineError } from '../../sync.js';
import { h, replace } from '../../dom.js';

const TYPES = ['site', 'area', 'checkpoint', 'company'];
// The optional Chinese name of a place, kept in its `names` translations ({zh: ...}); the screens show it in Chinese.
const ZH_NAME = { name: 'name_zh', translation: ['names', 'zh'] };

/** A field's value as stored: its own field, or one language of a translations map. */
const storedValue = (record, field) => (field.translation ? record?.fields[field.translation[0]]?.[field.translation[1]] : record?.fields[field.name]);

/** What each type's form asks of `record` (null for a new one); `options` makes a select (from the records at hand). */
function formFields(type, records, record) {
  const sites = records.site.map((site) => [site.id, localName(site.fields)]);
  const areaOption = (area) => [area.id, `${localName(records.byId.get(area.fields.site_id)?.fields)} / ${localName(area.fields)}`];
  const areas = [['', '—'], ...records.area.map(areaOption)];
  // An area hangs under another of its site, never under itself or anything under it: that would make a loop of places.
  const parents = [['', '—'], ...records.area.filter((area) => !record
    || (area.fields.site_id === record.fields.site_id && !isWithin(area.id, record.id, records.byId))).map(areaOption)];
  const fieldsOf = {
    site: [{ name: 'name', required: true }, ZH_NAME, { name: 'address' }],
    area: [{ name: 'site_id', options: sites, required: true, fixed: true }, { name: 'parent_id', options: parents },
      { name: 'name', required: true }, ZH_NAME, { name: 'kind', options: AREA_KINDS.map((kind) => [kind, t(`area_${kind}`)]), required: true }],
    checkpoint: [{ name: 'site_id', options: sites, required: true, fixed: true }, { name: 'area_id', options: areas },
      { name: 'name', required: true }, ZH_NAME, { name: 'category', options: CATEGORIES.map((c) => [c, t(`category_${c}`)]), required: true },
      { name: 'code', maxlength: 32 }],
    company: [{ name: 'name', required: true }, { name: 'trade' }],
  };
  return fieldsOf[type];
}

async function loadReference() {
  const [site, area, checkpoint, company] = await Promise.all(TYPES.map((type) => db.recordsOfType(type)));
  const records = { site, area, checkpoint, company };
  for (const type of TYPES) records[type] = records[type].filter((record) => !record.deleted);
  records.byId = new Map(TYPES.flatMap((type) => records[type]).map((record) => [record.id, record]));
  return records;
}

export async function renderSetup(main) {
  const records = await loadReference();
  const describe = {
    site: (site) => site.fields.address || '',
    area: (area) => `${localName(records.byId.get(area.fields.site_id)?.fields)} · ${t(`area_${area.fields.kind}`)}`,
    checkpoint: (checkpoint) => [checkpoint.fields.code, t(`category_${checkpoint.fields.category}`),
      localName(records.byId.get(checkpoint.fields.area_id)?.fields)].filter(Boolean).join(' · '),
    company: (company) => company.fields.trade || '',
  };
  replace(main,
    h('h1', {}, t('nav_setup')),
    h('p', {}, h('a', { href: '#/templates', class: 'button', id: 'open-templates' }, t('templates')), ' ',
      h('a', { href: '#/labels', class: 'button', id: 'open-labels' }, t('qr_labels'))),
    TYPES.map((type) => h('section', { class: 'setup-section', id: `setup-${type}` },
      h('h2', {}, t(`plural_${type}`), ' ', h('a', { href: `#/setup/${type}/new`, class: 'button', id: `new-${type}` }, t('add_new'))),
      h('ul', { class: 'cards desk-list' }, records[type]
        .sort((a, b) => localName(a.fields).localeCompare(localName(b.fields)))
        .map((record) => h('li', {}, h('a', { href: `#/setup/${type}/${record.id}`, class: 'card' },
          h('span', { class: 'card-title' }, localName(record.fields)), h('span', { class: 'card-sub' }, describe[type](record)))))))));
}

export async function renderSetupRecord(main, type, recordId) {
  if (!TYPES.includes(type)) { location.hash = '#/setup'; return; }
  const records = await loadReference();
  const record = recordId === 'new' ? null : records.byId.get(recordId);
  const fields = formFields(type, records, record);
  const error = h('p', { class: 'error', role: 'alert' });
  const inputs = fields.map((field) => {
    const id = `field-${field.name}`;
    const value = storedValue(record, field) ?? '';
    const control = field.options
      ? h('select', { id, name: field.name, required: field.required, disabled: Boolean(record && field.fixed) },
        (field.required ? [] : [['', '—']]).concat(field.options.filter(([optionValue]) => optionValue !== ''))
          .map(([optionValue, text]) => h('option', { value: optionValue, selected: optionValue === value }, text)))
      : h('input', { id, name: field.name, required: field.required, maxlength: field.maxlength || 200, value,
                     lang: field.translation ? 'zh-CN' : null });
    return [h('label', { for: id }, t(`field_${field.name}`)), control];
  });
  const form = h('form', { class: 'stack', id: 'setup-form' }, inputs, error,
    h('button', { type: 'submit', class: 'primary', id: 'save-record' }, t('save')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = {};
    for (const field of fields) {
      if (record && field.fixed) continue; // where a place hangs is fixed once made
      const raw = form.elements[field.name].value.trim();
      values[field.name] = raw === '' ? null : raw;
    }
    if (fields.some((field) => field.required && !(record && field.fixed) && !values[field.name])) {
      error.textContent = t('fill_required');
      return;
    }
    for (const field of fields.filter((candidate) => candidate.translation)) {
      const [map, language] = field.translation;
      const translations = { ...(record?.fields[map] || {}) };
      if (values[field.name]) translations[language] = values[field.name];
      else delete translations[language];
      delete values[field.name];
      if ((record?.fields[map]?.[language] ?? null) !== (translations[language] ?? null)) values[map] = Object.keys(translations).length ? translations : null;
    }
    if (record) {
      const changed = Object.fromEntries(Object.entries(values).filter(([name, value]) => (record.fields[name] ?? null) !== value));
      if (Object.keys(changed).length) await editRecord(record.id, changed);
    } else {
      await createRecord(type, Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null)));
    }
    location.hash = '#/setup';
  });
  replace(main,
    h('a', { href: '#/setup', class: 'back' }, `‹ ${t('nav_setup')}`),
    h('h1', {}, record ? localName(record.fields) : t(`new_${type}`)),
    form);
}

/** A sheet of QR labels for one site's checkpoints, laid out to print (the codes come from the server as SVG). */
export async function renderLabels(main) {
  const records = await loadReference();
  const chosen = new URLSearchParams(location.hash.split('?')[1] || '').get('site') || records.site[0]?.id || '';
  const error = h('p', { class: 'error', role: 'alert' });
  const sheet = h('div', { class: 'label-sheet', id: 'label-sheet' });
  const siteSelect = h('select', { id: 'label-site', onchange: (event) => { location.hash = `#/labels?site=${event.target.value}`; } },
    records.site.map((site) => h('option', { value: site.id, selected: site.id === chosen }, localName(site.fields))));
  replace(main,
    h('a', { href: '#/setup', class: 'back no-print' }, `‹ ${t('nav_setup')}`),
    h('h1', { class: 'no-print' }, t('qr_labels')),
    h('div', { class: 'no-print filters' }, h('div', {}, h('label', { for: 'label-site' }, t('site')), siteSelect),
      h('div', {}, h('button', { type: 'button', id: 'print-labels', onclick: () => window.print() }, t('print')))),
    error, sheet);
  const checkpoints = records.checkpoint.filter((checkpoint) => checkpoint.fields.site_id === chosen && checkpoint.fields.code)
    .sort((a, b) => a.fields.code.localeCompare(b.fields.code));
  for (const checkpoint of checkpoints) {
    const image = h('img', { alt: t('qr_of', { code: checkpoint.fields.code }), class: 'qr' });
    sheet.append(h('figure', { class: 'label' }, image,
      h('figcaption', {}, h('span', { class: 'code' }, checkpoint.fields.code), h('span', {}, localName(checkpoint.fields)))));
    try {
      const url = await apiImageUrl(`/labels/qr.svg?code=${encodeURIComponent(checkpoint.fields.code)}`);
      image.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
      image.src = url;
    } catch (failure) {
      error.textContent = failure instanceof OfflineError ? t('needs_connection') : failure.message;
      return;
    }
  }
  if (!checkpoints.length) sheet.append(h('p', {}, t('no_codes')));
}
