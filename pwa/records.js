/**
 * The changes a user makes, as local records plus outbox mutations.
 *
 * Each function builds the new local state and the mutation the server will
 * get, and saves both in one transaction (db.saveWithOutbox). Records made
 * here get ids on the phone, so everything works offline.
 */

import * as db from './db.js';

/** What a record's fields may hold, as schemas/records.py checks them on the server. */
export const CATEGORIES = ['cleaning', 'greening', 'fire', 'decoration', 'other'];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'];
export const FINDING_STATUSES = ['open', 'assigned', 'in_progress', 'fixed', 'closed', 'cancelled'];
export const AREA_KINDS = ['building', 'floor', 'unit', 'zone', 'room', 'outdoor'];
export const ITEM_KINDS = ['pass_fail', 'score', 'number', 'text', 'choice', 'photo'];

/** A rectification past its due date (dates compare as YYYY-MM-DD text). */
export function isOverdue(finding) {
  const { status, due_date: due } = finding.fields;
  return ['assigned', 'in_progress'].includes(status) && Boolean(due) && due < new Date().toISOString().slice(0, 10);
}

const newId = () => crypto.randomUUID();
const now = () => new Date().toISOString();

/** Merge fields as the server does: the answers map merges per item key. */
function mergeFields(current, changes) {
  const merged = { ...current, ...changes };
  if (changes.answers) merged.answers = { ...(current.answers || {}), ...changes.answers };
  return merged;
}

function change(record, fields, { isNew = false } = {}) {
  const mutation = { mid: newId(), type: record.type, id: record.id, op: 'upsert', fields,
                     base_version: isNew ? null : record.version || null };
  return { record: { ...record, fields: mergeFields(isNew ? {} : record.fields, fields) }, mutation };
}

/** An edit of a stored record, built inside the saving transaction. */
function edit(id, fields) {
  return { id, make: (current) => change(current, fields) };
}

function fresh(type, fields) {
  return change({ type, id: newId(), version: 0, deleted: false, fields: {} }, fields, { isNew: true });
}

export async function currentUser() {
  return (await db.getMeta('session'))?.user;
}

export async function startInspection(template, checkpoint) {
  const user = await currentUser();
  const created = fresh('inspection', {
    template_id: template.id, site_id: checkpoint.fields.site_id, area_id: checkpoint.fields.area_id ?? null,
    checkpoint_id: checkpoint.id, inspector_id: user.id, status: 'draft', started_at: now(), answers: {},
  });
  await db.saveWithOutbox([created]);
  return created.record.id;
}

export async function saveAnswer(inspectionId, key, answer) {
  await db.saveWithOutbox([edit(inspectionId, { answers: { [key]: answer } })]);
}

export async function submitInspection(inspectionId, score) {
  await db.saveWithOutbox([edit(inspectionId, { status: 'submitted', completed_at: now(), score })]);
}

export async function addPhoto(parentType, parentId, itemKey, role, prepared) {
  const photo = fresh('photo', { blob: prepared.sha256, parent_type: parentType, parent_id: parentId,
                                 item_key: itemKey, role, taken_at: now() });
  const known = await db.getBlob(prepared.sha256);
  await db.saveWithOutbox([photo], known ? [] : [prepared]);
  return photo.record.id;
}

export async function removePhoto(photoId) {
  await db.saveWithOutbox([{ id: photoId, make: (record) => ({
    record: { ...record, deleted: true },
    mutation: { mid: newId(), type: 'photo', id: photoId, op: 'delete', base_version: record.version || null },
  }) }]);
}

/** A finding and copies of the photos that show it (the bytes are stored once, by hash). */
export async function createFinding(fields, photoHashes) {
  const user = await currentUser();
  const finding = fresh('finding', { ...fields, created_by: user.id, status: 'open', reported_at: now() });
  const photos = photoHashes.map((sha256) => fresh('photo', { blob: sha256, parent_type: 'finding', parent_id: finding.record.id,
                                                              item_key: fields.item_key ?? null, role: 'before', taken_at: now() }));
  await db.saveWithOutbox([finding, ...photos]);
  return finding.record.id;
}

export async function editRecord(id, fields) {
  await db.saveWithOutbox([edit(id, fields)]);
}

/**
 * An edited template as its next revision: a new record of the same family,
 * saved together with the old one's deactivation, so inspections made with
 * the old one keep their checklist.
 */
export async function saveTemplateRevision(old, fields) {
  const family = old.fields.family_id || old.id;
  const revisions = (await db.recordsOfType('template')).filter((template) => (template.fields.family_id || template.id) === family);
  const revision = Math.max(...revisions.map((template) => template.fields.revision || 1)) + 1;
  const created = fresh('template', { ...fields, family_id: family, revision });
  await db.saveWithOutbox([created, edit(old.id, { active: false })]);
  return created.record.id;
}

/** Several edits in one transaction: [[id, fields], ...]. */
export async function editRecords(changes) {
  await db.saveWithOutbox(changes.map(([id, fields]) => edit(id, fields)));
}

/** A new record of any reference type (site, area, checkpoint, company, template); its id comes back. */
export async function createRecord(type, fields) {
  const created = fresh(type, fields);
  await db.saveWithOutbox([created]);
  return created.record.id;
}

/** A contractor's fix: the "after" photos first, then the status, so the server sees the photos when it checks. */
export async function markFixed(findingId, fixNote, preparedPhotos) {
  const photos = preparedPhotos.map((prepared) => fresh('photo', { blob: prepared.sha256, parent_type: 'finding', parent_id: findingId,
                                                                    item_key: null, role: 'after', taken_at: now() }));
  await db.saveWithOutbox([...photos, edit(findingId, { status: 'fixed', fix_note: fixNote })], preparedPhotos);
}

export async function addComment(parentType, parentId, body) {
  const user = await currentUser();
  await db.saveWithOutbox([fresh('comment', { parent_type: parentType, parent_id: parentId, body, author_id: user.id, created_at: now() })]);
}
