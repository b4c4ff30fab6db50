/**
 * Checklist templates, for office staff: list them, create one, edit one,
 * deactivate one. An edit saves a new revision (a new template record of the
 * same family) and deactivates the old, so every inspection keeps the
 * checklist it was made with.
 */

import * as db from '../../db.js';
import { localName, t } from '../../i18n.js';
import { familyOf } from '../../query.js';
import { CATEGORIES, createRecord, editRecord } from '../../records.js';
import { ITEM_KINDS, saveTemplateRevision } from './changes.js';
import { h, replace } from '../../dom.js';

const KEY = /^[A-Za-z0-9_.-]{1,64}$/;

export async function renderTemplates(main) {
  const templates = (await db.recordsOfType('template')).filter((template) => !template.deleted);
  const families = new Map();
  for (const template of templates) {
    if (!families.has(familyOf(template))) families.set(familyOf(template), []);
    families.get(familyOf(template)).push(template);
  }
  const latest = [...families.values()].map((revisions) => revisions.sort((a, b) => (b.fields.revision || 1) - (a.fields.revision || 1)));
  replace(main,
    h('a', { href: '#/setup', class: 'back' }, `‹ ${t('nav_setup')}`),
    h('h1', {}, t('templates'), ' ', h('a', { href: '#/template/new', class: 'button', id: 'new-template' }, t('add_new'))),
    h('ul', { class: 'cards desk-list', id: 'template-list' }, latest.sort((a, b) => localName(a[0].fields).localeCompare(localName(b[0].fields)))
      .map(([current, ...older]) => h('li', { 'data-family': familyOf(current) }, h('div', { class: 'card' },
        h('a', { href: `#/template/${current.id}`, class: 'card-title' }, localName(current.fields)),
        h('span', { class: `chip ${current.fields.active === false ? 'cancelled' : 'reviewed'}` },
          t(current.fields.active === false ? 'inactive' : 'active')),
        h('span', { class: 'card-sub' }, [t(`category_${current.fields.category}`), t('item_count', { count: current.fields.items.length }),
          t('template_revision', { revision: current.fields.revision || 1 }),
          older.length ? t('older_revisions', { count: older.length }) : null].filter(Boolean).join(' · ')),
        h('button', { type: 'button', class: 'toggle-active', onclick: async () => {
          await editRecord(current.id, { active: current.fields.active === false });
          renderTemplates(main);
        } }, t(current.fields.active === false ? 'activate' : 'deactivate')))))));
}

function itemEditor(item, index, onRemove) {
  const id = (name) => `item-${index}-${name}`;
  const field = (name, label, attributes = {}) => [h('label', { for: id(name) }, label),
    h('input', { id: id(name), name, value: item[name] ?? '', ...attributes })];
  return h('fieldset', { class: 'item template-item' },
    h('legend', {}, t('item_number', { number: index + 1 })),
    field('label', t('field_label'), { required: true, maxlength: 500 }),
    [h('label', { for: id('label_zh') }, t('field_label_zh')),
      h('input', { id: id('label_zh'), name: 'label_zh', value: item.labels?.zh ?? '', maxlength: 500, lang: 'zh-CN' })],
    field('key', t('field_key'), { required: true, maxlength: 64 }),
    h('label', { for: id('kind') }, t('field_kind')),
    h('select', { id: id('kind'), name: 'kind' }, ITEM_KINDS.map((kind) => h('option', { value: kind, selected: kind === (item.kind || 'pass_fail') }, t(`kind_${kind}`)))),
    h('div', { class: 'check' }, h('input', { type: 'checkbox', id: id('required'), name: 'required', checked: Boolean(item.required) }),
      h('label', { for: id('required') }, t('field_required'))),
    field('min', t('field_min'), { type: 'number', step: 'any' }),
    field('max', t('field_max'), { type: 'number', step: 'any' }),
    field('unit', t('field_unit'), { maxlength: 20 }),
    field('choices', t('field_choices'), { value: (item.choices || []).join(', ') }),
    h('button', { type: 'button', class: 'danger remove-item', onclick: onRemove }, t('remove_item')));
}

/**
 * The item as the form now has it. Its Chinese label is on the form; other
 * translations and the help of the item it was loaded from stay while its label does.
 */
function readItem(fieldset, original = {}) {
  const value = (name) => fieldset.querySelector(`[name=${name}]`);
  const number = (name) => (value(name).value.trim() === '' ? null : Number(value(name).value));
  const label = value('label').value.trim();
  const kept = label === original.label
    ? Object.fromEntries(['labels', 'help', 'helps', 'choice_labels'].filter((name) => original[name] != null).map((name) => [name, original[name]]))
    : {};
  const labels = { ...(kept.labels || {}) };
  const zh = value('label_zh').value.trim();
  if (zh) labels.zh = zh;
  else delete labels.zh;
  delete kept.labels;
  if (Object.keys(labels).length) kept.labels = labels;
  const item = { ...kept, key: value('key').value.trim(), label, kind: value('kind').value, required: value('required').checked };
  if (['score', 'number'].includes(item.kind)) Object.assign(item, { min: number('min'), max: number('max') });
  if (item.kind === 'number' && value('unit').value.trim()) item.unit = value('unit').value.trim();
  if (item.kind === 'choice') item.choices = value('choices').value.split(',').map((choice) => choice.trim()).filter(Boolean);
  return item;
}

function itemProblem(items) {
  const keys = new Set();
  for (const item of items) {
    if (!item.label) return t('item_needs_label');
    if (!KEY.test(item.key)) return t('item_key_rule', { key: item.key });
    if (keys.has(item.key)) return t('item_key_twice', { key: item.key });
    keys.add(item.key);
    if (item.kind === 'choice' && !item.choices.length) return t('item_needs_choices', { label: item.label });
    if (item.kind === 'score' && (item.min === null || item.max === null)) return t('item_needs_range', { label: item.label });
    if (item.min !== null && item.max !== null && item.min > item.max) return t('item_needs_range', { label: item.label });
  }
  return items.length ? null : t('template_needs_items');
}

export async function renderTemplate(main, templateId) {
  const template = templateId === 'new' ? null : await db.getRecord(templateId);
  if (templateId !== 'new' && (!template || template.deleted)) { location.hash = '#/templates'; return; }
  const items = (template?.fields.items || [{ key: 'item1', label: '', kind: 'pass_fail' }]).map((item) => ({ ...item }));
  const list = h('div', { class: 'checklist', id: 'template-items' });
  const error = h('p', { class: 'error', role: 'alert' });
  const drawItems = () => {
    const current = [...list.querySelectorAll('fieldset')].map((fieldset, index) => readItem(fieldset, items[index]));
    if (current.length) items.splice(0, items.length, ...current);
  };
  const redraw = () => replace(list, items.map((item, index) => itemEditor(item, index, () => { drawItems(); items.splice(index, 1); redraw(); })));
  redraw();
  const form = h('form', { class: 'stack', id: 'template-form' },
    h('label', { for: 'template-name' }, t('field_name')),
    h('input', { id: 'template-name', required: true, maxlength: 200, value: template?.fields.name || '' }),
    h('label', { for: 'template-name-zh' }, t('field_name_zh')),
    h('input', { id: 'template-name-zh', maxlength: 200, lang: 'zh-CN', value: template?.fields.names?.zh || '' }),
    h('label', { for: 'template-category' }, t('filter_category')),
    h('select', { id: 'template-category' }, CATEGORIES.map((category) => h('option', { value: category, selected: category === template?.fields.category }, t(`category_${category}`)))),
    h('h2', {}, t('checklist_items')),
    template ? h('p', { class: 'hint' }, t('revision_explained', { revision: (template.fields.revision || 1) + 1 })) : null,
    list,
    h('button', { type: 'button', id: 'add-item', onclick: () => { drawItems(); items.push({ key: `item${items.length + 1}`, label: '', kind: 'pass_fail' }); redraw(); } }, t('add_item')),
    error,
    h('button', { type: 'submit', class: 'primary', id: 'save-template' }, t(template ? 'save_revision' : 'save')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    drawItems();
    const name = form.querySelector('#template-name').value.trim();
    const problem = name ? itemProblem(items) : t('fill_required');
    if (problem) { error.textContent = problem; return; }
    const fields = { name, category: form.querySelector('#template-category').value, items: items.map((item) => ({ ...item })), active: true };
    const names = { ...(template?.fields.names || {}) };
    const zh = form.querySelector('#template-name-zh').value.trim();
    if (zh) names.zh = zh;
    else delete names.zh;
    if (Object.keys(names).length) fields.names = names;
    if (template) await saveTemplateRevision(template, fields);
    else await createRecord('template', fields);
    location.hash = '#/templates';
  });
  replace(main,
    h('a', { href: '#/templates', class: 'back' }, `‹ ${t('templates')}`),
    h('h1', {}, template ? localName(template.fields) : t('new_template')),
    form);
}
