/**
 * The office's review of inspections: a queue of what inspectors submitted,
 * newest first; one inspection read against the template version it was made
 * with, its photos and the findings it raised; accept it, or send it back to
 * the inspector with a comment.
 */

import { itemOutcome, score } from '../../checklist.js';
import * as db from '../../db.js';
import { formatTime, localName, t } from '../../i18n.js';
import { addComment, editRecord } from '../../records.js';
import { childrenOf } from '../../query.js';
import { photoBytes } from '../../sync.js';
import { announce, h, labelledSelect, photoImage, replace } from '../../dom.js';
import { STATUSES } from '../../vocabulary.js';

const filters = { status: 'submitted', site: '', inspector: '', from: '', to: '' };


export async function renderReview(main) {
  const [inspections, templates, sites, checkpoints, findings] = await Promise.all(
    ['inspection', 'template', 'site', 'checkpoint', 'finding'].map((type) => db.recordsOfType(type)));
  const users = (await db.getMeta('users')) || [];
  const nameOf = new Map(users.map((user) => [user.id, user.name || user.username]));
  const inspectors = users.filter((user) => inspections.some((inspection) => inspection.fields.inspector_id === user.id));
  const dayOf = (inspection) => (inspection.fields.completed_at || inspection.fields.started_at || '').slice(0, 10);
  const byId = new Map([...templates, ...sites, ...checkpoints].map((record) => [record.id, record]));
  const findingCount = new Map();
  for (const finding of findings) {
    if (finding.fields.inspection_id) findingCount.set(finding.fields.inspection_id, (findingCount.get(finding.fields.inspection_id) || 0) + 1);
  }
  const list = h('ul', { class: 'cards desk-list', id: 'review-list' });
  const count = h('p', { class: 'hint', 'aria-live': 'polite' });

  function show() {
    const shown = inspections.filter((inspection) => !inspection.deleted
      && (!filters.status || inspection.fields.status === filters.status)
      && (!filters.site || inspection.fields.site_id === filters.site)
      && (!filters.inspector || inspection.fields.inspector_id === filters.inspector)
      && (!filters.from || dayOf(inspection) >= filters.from)
      && (!filters.to || dayOf(inspection) <= filters.to))
      .sort((a, b) => (b.fields.completed_at || b.fields.started_at || '').localeCompare(a.fields.completed_at || a.fields.started_at || ''));
    replace(list, shown.map((inspection) => {
      const checkpoint = byId.get(inspection.fields.checkpoint_id);
      const raised = findingCount.get(inspection.id) || 0;
      return h('li', {}, h('a', { href: `#/review/${inspection.id}`, class: 'card' },
        h('span', { class: 'card-title' }, `${localName(byId.get(inspection.fields.template_id)?.fields)}${checkpoint ? ` · ${checkpoint.fields.code || localName(checkpoint.fields)}` : ''}`),
        h('span', { class: `chip ${inspection.fields.status}` }, t(`status_${inspection.fields.status}`)),
        h('span', { class: 'card-sub' }, [localName(byId.get(inspection.fields.site_id)?.fields), nameOf.get(inspection.fields.inspector_id),
          formatTime(inspection.fields.completed_at || inspection.fields.started_at),
          inspection.fields.score !== null && inspection.fields.score !== undefined ? t('score_is', { score: inspection.fields.score }) : null,
          raised ? t('findings_raised', { count: raised }) : null].filter(Boolean).join(' · '))));
    }));
    count.textContent = t('shown_count', { count: shown.length });
  }

  const set = (name) => (value) => { filters[name] = value; show(); };
  replace(main,
    h('h1', {}, t('nav_review')),
    h('div', { class: 'filters' },
      h('div', {}, labelledSelect('review-status', t('filter_status'), [['', t('all')], ...STATUSES.inspection.map((s) => [s, t(`status_${s}`)])],
        filters.status, set('status'))),
      h('div', {}, labelledSelect('review-site', t('site'), [['', t('all')], ...sites.filter((s) => !s.deleted).map((s) => [s.id, localName(s.fields)])],
        filters.site, set('site'))),
      h('div', {}, labelledSelect('review-inspector', t('inspector'), [['', t('all')], ...inspectors.map((u) => [u.id, u.name || u.username])],
        filters.inspector, set('inspector'))),
      h('div', {}, h('label', { for: 'review-from' }, t('date_from')),
        h('input', { type: 'date', id: 'review-from', value: filters.from, onchange: (event) => set('from')(event.target.value) })),
      h('div', {}, h('label', { for: 'review-to' }, t('date_to')),
        h('input', { type: 'date', id: 'review-to', value: filters.to, onchange: (event) => set('to')(event.target.value) }))),
    count,
    list);
  show();
}

function answerText(item, answer) {
  if (!answer || answer.value === null || answer.value === undefined || answer.value === '') return '—';
  if (item.kind === 'pass_fail') return t(answer.value);
  if (item.kind === 'number') return `${answer.value}${item.unit ? ` ${item.unit}` : ''}`;
  if (item.kind === 'score') return `${answer.value} / ${item.max}`;
  if (item.kind === 'choice') return localName(item.choice_labels?.[answer.value] ? { name: answer.value, names: item.choice_labels[answer.value] } : { name: answer.value });
  return String(answer.value);
}

export async function renderReviewInspection(main, inspectionId) {
  const inspection = await db.getRecord(inspectionId);
  if (!inspection || inspection.deleted) {
    location.hash = '#/review';
    return;
  }
  const [template, checkpoint, site, own, findings] = await Promise.all([db.getRecord(inspection.fields.template_id),
    db.getRecord(inspection.fields.checkpoint_id), db.getRecord(inspection.fields.site_id), childrenOf(inspectionId, 'photo'), db.recordsOfType('finding')]);
  const inspectorName = ((await db.getMeta('users')) || []).find((user) => user.id === inspection.fields.inspector_id);
  const raised = findings.filter((finding) => finding.fields.inspection_id === inspectionId && !finding.deleted);
  const status = inspection.fields.status;
  const error = h('p', { class: 'error', role: 'alert' });
  const note = h('textarea', { id: 'review-note', rows: 2 });
  const act = async (fields, comment) => {
    if (comment) await addComment('inspection', inspectionId, comment);
    await editRecord(inspectionId, fields);
    await renderReviewInspection(main, inspectionId);
    announce(main, t(fields.status === 'reviewed' ? 'accepted_outcome' : 'returned_outcome'), main.querySelector('h1'));
  };

  // The score the phone sent at submission; a round not yet submitted (or from an older app) is scored here by the same rule.
  const shownScore = inspection.fields.score ?? (template ? score(template.fields.items, inspection.fields.answers) : null);
  const failed = (template?.fields.items || []).filter((item) => itemOutcome(item, inspection.fields.answers?.[item.key]?.value) === 'fail').length;
  const rows = (template?.fields.items || []).map((item) => {
    const answer = inspection.fields.answers?.[item.key];
    const itemPhotos = own.filter((photo) => photo.fields.item_key === item.key);
    const outcome = itemOutcome(item, answer?.value);
    return h('tr', { id: `review-item-${item.key}` },
      h('th', { scope: 'row' }, localName(item, 'label', 'labels')),
      // The same verdict the phone showed: an out-of-range reading is a fail, said in words as well as in red.
      h('td', { class: outcome ?? '', 'data-outcome': outcome ?? '' }, answerText(item, answer),
        outcome === 'fail' && item.kind !== 'pass_fail' ? h('strong', { class: 'verdict-word' }, ` · ${t('fail')}`) : null,
        outcome === 'fail' && item.kind === 'number' ? h('div', { class: 'hint' }, t('limits', { min: item.min ?? '−∞', max: item.max ?? '∞' })) : null,
        answer?.note ? h('div', { class: 'hint' }, answer.note) : null),
      h('td', {}, h('div', { class: 'photo-row' }, itemPhotos.map((photo) => h('figure', {},
        photoImage(() => photoBytes(photo.fields.blob, 'full'), `${localName(item, 'label', 'labels')}`))))));
  });

  replace(main,
    h('a', { href: '#/review', class: 'back' }, `‹ ${t('nav_review')}`),
    h('h1', {}, localName(template?.fields)),
    h('p', {}, h('span', { class: `chip ${status}`, id: 'review-status-chip' }, t(`status_${status}`)),
      ` ${[inspectorName ? inspectorName.name || inspectorName.username : null, localName(site?.fields), checkpoint ? `${localName(checkpoint.fields)} ${checkpoint.fields.code || ''}` : null,
        formatTime(inspection.fields.completed_at || inspection.fields.started_at),
        template ? t('template_revision', { revision: template.fields.revision || 1 }) : null].filter(Boolean).join(' · ')}`),
    h('p', { id: 'review-score', class: failed ? 'score-line fail' : 'score-line' },
      shownScore !== null && shownScore !== undefined ? t('score_is', { score: shownScore }) : t('no_score'),
      failed ? ` · ${t('items_failed', { count: failed })}` : ''),
    inspection.fields.review_note ? h('p', {}, h('strong', {}, `${t('review_note')}: `), inspection.fields.review_note) : null,
    h('table', { class: 'answers' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('item')), h('th', { scope: 'col' }, t('answer')), h('th', { scope: 'col' }, t('photos')))),
      h('tbody', {}, rows)),
    raised.length ? [h('h2', {}, t('findings_from_here')), h('ul', { class: 'cards' }, raised.map((finding) => h('li', {},
      h('a', { href: `#/desk/${finding.id}`, class: 'card' }, h('span', { class: 'card-title' }, finding.fields.title),
        h('span', { class: `chip ${finding.fields.status}` }, t(`status_${finding.fields.status}`))))))] : null,
    error,
    status === 'submitted' ? h('div', { class: 'stack' },
      h('label', { for: 'review-note' }, t('review_note')), note,
      h('button', { type: 'button', class: 'primary', id: 'accept-inspection',
                    onclick: () => act({ status: 'reviewed', review_note: note.value.trim() || null }) }, t('accept_inspection')),
      h('button', { type: 'button', id: 'send-back-inspection', onclick: () => {
        if (!note.value.trim()) { error.textContent = t('need_review_reason'); return; }
        act({ status: 'draft', review_note: note.value.trim() }, note.value.trim());
      } }, t('send_back_inspection'))) : null);
}
