/**
 * The changes a user makes, as local records plus outbox mutations: the
 * builders every feature uses (fresh, edit), and the changes no one feature
 * owns (generic edits, photos, comments). A feature's own changes live in its
 * folder, as features/<area>/changes.js.
 *
 * Each function builds the new local state and the mutation the server will
 * get, and saves both in one transaction (db.saveWithOutbox). Records made
 * here get ids on the phone, so everything works offline.
 */

import * as db from './db.js';

/** The work categories shared by checkpoints, templates and findings, as schemas/records.py checks them. */
export { CATEGORIES } from './vocabulary.js';

export const newId = () => crypto.randomUUID();
export const now = () => new Date().toISOString();

/** Merge fields as the server does: the answers map merges per item key. */
function mergeFields(current, changes) {
  const merged = { ...current, ...changes };
  if (changes.answers) merged.answers = { ...(current.answers || {}), ...changes.answers };
  return merged;
}

let actor = null;

/** Who is using the app (from the session), for the local copy of what the server will record. */
export function setActor(user) {
  actor = user ? { id: user.id, role: user.role } : null;
}

/**
 * The server keeps a status history on some types (its `status_history`);
 * until the next pull brings the server's entry, the local copy shows the move
 * at once, marked `local`, so a screen can tell "sent back" from the start.
 */
function withLocalHistory(current, changes, merged) {
  if (!Array.isArray(current.status_history) || !changes.status || changes.status === current.status) return merged;
  const entry = { status: changes.status, at: new Date().toISOString(), by: actor?.id, role: actor?.role, local: true };
  if (changes.status_note) entry.note = changes.status_note;
  return { ...merged, status_history: [...current.status_history, entry] };
}

function change(record, fields, { isNew = false } = {}) {
  const mutation = { mid: newId(), type: record.type, id: record.id, op: 'upsert', fields,
                     base_version: isNew ? null : record.version || null };
  const current = isNew ? {} : record.fields;
  return { record: { ...record, fields: withLocalHistory(current, fields, mergeFields(current, fields)) }, mutation };
}

/** An edit of a stored record, built inside the saving transaction. */
export function edit(id, fields) {
  return { id, make: (current) => change(current, fields) };
}

/** A new record made on this phone: its local state and its mutation. */
export function fresh(type, fields) {
  return change({ type, id: newId(), version: 0, deleted: false, fields: {} }, fields, { isNew: true });
}

export async function currentUser() {
  return (await db.getMeta('session'))?.user;
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

export async function editRecord(id, fields) {
  await db.saveWithOutbox([edit(id, fields)]);
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

export async function addComment(parentType, parentId, body) {
  const user = await currentUser();
  await db.saveWithOutbox([fresh('comment', { parent_type: parentType, parent_id: parentId, body, author_id: user.id, created_at: now() })]);
}
