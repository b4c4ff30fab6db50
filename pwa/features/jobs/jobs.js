/**
 * A contractor's rectification list: the findings assigned to their company,
 * by site, overdue first, then by due date; and one job, to start, fix with
 * an "after" photo taken on the spot, and comment on. All of it offline.
 */

import * as db from '../../db.js';
import { formatTime, localName, t } from '../../i18n.js';
import { preparePhoto } from '../../photos.js';
import { addComment, editRecord } from '../../records.js';
import { isOverdue } from '../findings/changes.js';
import { historyList, sentBack, statusChip } from '../findings/history.js';
import { childrenOf, areaChain } from '../../query.js';
import { markFixed } from './changes.js';
import { photoBytes, syncNow, unsentIds } from '../../sync.js';
import { unsentMark } from '../status/status.js';
import { cameraInput, h, photoImage, replace } from '../../dom.js';

const OPEN_STATUSES = ['assigned', 'in_progress', 'fixed'];

async function places() {
  const [sites, areas, checkpoints] = await Promise.all(['site', 'area', 'checkpoint'].map((type) => db.recordsOfType(type)));
  return new Map([...sites, ...areas, ...checkpoints].map((record) => [record.id, record]));
}

function locationText(finding, byId) {
  const names = areaChain(finding.fields.area_id, byId).map((area) => localName(area.fields));
  const checkpoint = byId.get(finding.fields.checkpoint_id);
  if (checkpoint) names.push(`${localName(checkpoint.fields)}${checkpoint.fields.code ? ` (${checkpoint.fields.code})` : ''}`);
  return names.join(' / ');
}

function dueLabel(finding) {
  if (!finding.fields.due_date) return '';
  return isOverdue(finding) ? `${t('overdue')} · ${t('due', { date: finding.fields.due_date })}` : t('due', { date: finding.fields.due_date });
}

export async function renderJobs(main) {
  const [findings, byId, unsent] = await Promise.all([db.recordsOfType('finding'), places(), unsentIds()]);
  const live = findings.filter((finding) => !finding.deleted);
  const open = live.filter((finding) => OPEN_STATUSES.includes(finding.fields.status));
  const closed = live.filter((finding) => finding.fields.status === 'closed');
  // Overdue first, then what still needs work by due date; reported fixes wait at the end.
  const rank = (finding) => (isOverdue(finding) ? 0 : finding.fields.status === 'fixed' ? 2 : 1);
  const order = (a, b) => rank(a) - rank(b) || (a.fields.due_date || '9999').localeCompare(b.fields.due_date || '9999');
  const bySite = new Map();
  for (const finding of open.sort(order)) {
    const site = finding.fields.site_id;
    if (!bySite.has(site)) bySite.set(site, []);
    bySite.get(site).push(finding);
  }
  const card = (finding) => h('li', {},
    h('a', { href: `#/job/${finding.id}`, class: `card${isOverdue(finding) ? ' overdue' : ''}` },
      h('span', { class: 'card-title' }, finding.fields.title),
      statusChip(finding),
      unsentMark(unsent, finding.id),
      h('span', { class: `card-sub severity-${finding.fields.severity}` }, `${t('severity')}: ${t(`severity_${finding.fields.severity}`)}`),
      h('span', { class: 'card-sub' }, locationText(finding, byId)),
      h('span', { class: `card-sub due${isOverdue(finding) ? ' late' : ''}` }, dueLabel(finding))));
  replace(main,
    h('h1', {}, t('nav_jobs')),
    open.length ? [...bySite].map(([site, jobs]) => h('section', { 'aria-label': localName(byId.get(site)?.fields) || t('site') },
      h('h2', {}, localName(byId.get(site)?.fields) || t('site')),
      h('ul', { class: 'cards job-list' }, jobs.map(card)))) : h('p', {}, t('no_jobs')),
    closed.length ? h('details', {}, h('summary', {}, `${t('closed_jobs')} (${closed.length})`),
      h('ul', { class: 'cards' }, closed.map(card))) : null);
}

export async function renderJob(main, findingId) {
  const [finding, byId, own, comments] = await Promise.all([db.getRecord(findingId), places(), childrenOf(findingId, 'photo'), childrenOf(findingId, 'comment')]);
  if (!finding || finding.deleted) {
    location.hash = '#/jobs';
    return;
  }
  const gallery = (role, photos = own.filter((photo) => photo.fields.role === role || (role === 'before' && photo.fields.role === 'evidence'))) =>
    h('div', { class: 'photo-row' }, photos.map((photo) => h('figure', {}, photoImage(() => photoBytes(photo.fields.blob), `${t(`${role}_photos`)}: ${finding.fields.title}`))));
  const status = finding.fields.status;
  const back = sentBack(finding);
  // After a send-back the earlier "after" photos showed a fix office did not accept: the new fix needs its own.
  const currentAfter = own.filter((photo) => photo.fields.role === 'after' && (!back || (photo.fields.taken_at || '') > back.at));
  const rejectedAfter = own.filter((photo) => photo.fields.role === 'after' && !currentAfter.includes(photo));
  const error = h('p', { class: 'error', role: 'alert' });
  const afterPhotos = [];
  const newAfter = h('div', { class: 'photo-row' });
  const refresh = () => renderJob(main, findingId);

  const fixForm = ['assigned', 'in_progress'].includes(status) ? h('form', { class: 'stack', id: 'fix-form' },
    h('label', { for: 'fix-note' }, t('what_was_done')),
    h('textarea', { id: 'fix-note', rows: 3, value: back ? '' : finding.fields.fix_note || '' }),
    newAfter,
    h('label', { for: 'after-photo', class: 'button photo-button' }, t('take_after_photo')),
    cameraInput('after-photo', async (file) => afterPhotos.push(await preparePhoto(file)),
      () => replace(newAfter, afterPhotos.map((prepared) => h('figure', {}, photoImage(async () => prepared.bytes, t('after_photos')))))),
    h('button', { type: 'submit', class: 'primary', id: 'mark-fixed' }, t('mark_fixed')),
    error) : null;
  fixForm?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const note = fixForm.querySelector('#fix-note').value.trim();
    if (!note) { error.textContent = t('need_fix_note'); return; }
    if (!afterPhotos.length && !currentAfter.length) { error.textContent = t(back ? 'new_after_photo_needed' : 'need_after_photo'); return; }
    await markFixed(findingId, note, afterPhotos);
    refresh();
  });

  const commentBox = h('textarea', { id: 'comment-body', rows: 2 });
  const me = (await db.getMeta('session'))?.user.id;
  const threads = comments.sort((a, b) => (a.fields.created_at || '').localeCompare(b.fields.created_at || ''));
  replace(main,
    h('a', { href: '#/jobs', class: 'back' }, `‹ ${t('nav_jobs')}`),
    h('h1', {}, finding.fields.title),
    h('p', {}, statusChip(finding, 'job-status'), ' ',
      h('span', { class: `due${isOverdue(finding) ? ' late' : ''}` }, dueLabel(finding))),
    // A fix office sent back: its reason comes first, before anything else on the job.
    back ? h('div', { class: 'notice', id: 'job-sent-back' }, h('strong', {}, `${t('sent_back_reason_shown')}: `), back.note || '',
      h('p', { class: 'hint' }, formatTime(back.at))) : null,
    h('p', {}, h('strong', {}, `${t('location')}: `), `${localName(byId.get(finding.fields.site_id)?.fields)} / ${locationText(finding, byId)}`),
    h('p', {}, `${t(`severity_${finding.fields.severity}`)} · ${t(`category_${finding.fields.category}`)}`),
    finding.fields.description ? h('p', { id: 'job-description' }, finding.fields.description) : null,
    h('h2', {}, t('before_photos')), gallery('before'),
    status === 'assigned' ? h('button', { type: 'button', class: 'primary', id: 'start-work',
                                          onclick: async () => { await editRecord(findingId, { status: 'in_progress' }); refresh(); } }, t('start_work')) : null,
    fixForm,
    status === 'fixed' ? h('p', { class: 'notice-ok' }, t('waiting_return_visit')) : null,
    finding.fields.fix_note && status !== 'assigned' && status !== 'in_progress' ? h('p', {}, h('strong', {}, `${t('fix_note')}: `), finding.fields.fix_note) : null,
    currentAfter.length ? [h('h2', {}, t('after_photos')), gallery('after', currentAfter)] : null,
    back && (finding.fields.fix_note || rejectedAfter.length) ? h('details', { id: 'earlier-fix' }, h('summary', {}, t('earlier_fix')),
      finding.fields.fix_note ? h('p', {}, h('strong', {}, `${t('fix_note')}: `), finding.fields.fix_note) : null,
      gallery('after', rejectedAfter)) : null,
    historyList(finding),
    h('h2', {}, t('comments')),
    h('ul', { class: 'comments', id: 'job-comments' }, threads.map((comment) => h('li', {}, h('p', {}, comment.fields.body),
      h('p', { class: 'hint' }, [comment.fields.author_id === me ? t('you') : comment.fields.author_name || t('someone'),
        comment.fields.created_at ? formatTime(comment.fields.created_at) : null].filter(Boolean).join(' · '))))),
    h('form', { class: 'stack', onsubmit: async (event) => {
      event.preventDefault();
      if (!commentBox.value.trim()) return;
      await addComment('finding', findingId, commentBox.value.trim());
      syncNow();
      refresh();
    } }, h('label', { for: 'comment-body' }, t('add_comment')), commentBox, h('button', { type: 'submit' }, t('send'))));
}
