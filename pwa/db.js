/**
 * The local replica, the outbox and the photo bytes, in IndexedDB.
 *
 * The one rule: a change and its outbox entry are written in one transaction
 * with strict durability, so a crash or a killed app keeps both or neither.
 * Only this module opens the database.
 */

const DB_NAME = 'estate-patrol';
const DB_VERSION = 2;
let opening = null;
const localChangeListeners = new Set();

/** Be told after each local change is safely stored (the status must never lag behind the outbox). */
export function onLocalChange(listener) {
  localChangeListeners.add(listener);
}

/** Cumulative: a phone on any older version runs every later step, and keeps its data. */
function upgrade(db, oldVersion, tx) {
  if (oldVersion < 1) {
    db.createObjectStore('records', { keyPath: 'id' }).createIndex('type', 'type');
    db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex('record', 'id');
    db.createObjectStore('blobs', { keyPath: 'sha256' });
    db.createObjectStore('notices', { keyPath: 'id', autoIncrement: true });
    db.createObjectStore('meta', { keyPath: 'key' });
  }
  if (oldVersion < 2) {
    // "Children of this record": photos and comments of a finding or inspection, sub-areas of an area.
    // Records without a parent_id are simply left out of the index.
    tx.objectStore('records').createIndex('parent', 'fields.parent_id');
  }
}

export function openDb() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion, request.transaction);
    request.onsuccess = () => {
      const db = request.result;
      // Another tab installed a newer app: let it upgrade, and reopen next time.
      db.onversionchange = () => { db.close(); opening = null; };
      db.onclose = () => { opening = null; };
      resolve(db);
    };
    request.onerror = () => { opening = null; reject(request.error); };
    request.onblocked = () => reject(new Error('The database is held open by an older tab of the app.'));
  });
  return opening;
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
  });
}

function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function read(storeName, fn) {
  const db = await openDb();
  const tx = db.transaction(storeName, 'readonly');
  return result(fn(tx.objectStore(storeName)));
}

export const getMeta = async (key) => (await read('meta', (store) => store.get(key)))?.value;
// Guard: IndexedDB throws a DataError for a missing key (a finding raised outside a checkpoint has none); no id, no record.
export const getRecord = async (id) => (id == null ? undefined : read('records', (store) => store.get(id)));
export const recordsOfType = (type) => read('records', (store) => store.index('type').getAll(type));
/** Every record whose parent_id is `parentId`, deleted ones too (query.js filters). */
export const recordsWithParent = async (parentId) => (parentId == null ? [] : read('records', (store) => store.index('parent').getAll(parentId)));
export const getBlob = (sha256) => read('blobs', (store) => store.get(sha256));
export const outboxEntries = () => read('outbox', (store) => store.getAll());
export const notices = () => read('notices', (store) => store.getAll());

export async function setMeta(key, value) {
  const db = await openDb();
  const tx = db.transaction('meta', 'readwrite', { durability: 'strict' });
  tx.objectStore('meta').put({ key, value });
  await done(tx);
}

/** Edit times strictly increase across a device's mutations, as the protocol asks. */
function nextEditTime(lastIso) {
  const now = Date.now();
  const last = lastIso ? Date.parse(lastIso) : 0;
  return new Date(Math.max(now, last + 1)).toISOString();
}

/**
 * Save local records and queue their mutations (and any photo bytes), atomically.
 *
 * Each change is {record, mutation} for a new record, or {id, make} for an
 * edit: make(current) builds it from the record as it is inside this
 * transaction, so two quick edits of one record cannot overwrite each other.
 * mutation.edited_at is set here.
 */
export async function saveWithOutbox(changes, blobs = []) {
  const db = await openDb();
  const tx = db.transaction(['records', 'outbox', 'blobs', 'meta'], 'readwrite', { durability: 'strict' });
  const meta = tx.objectStore('meta');
  const records = tx.objectStore('records');
  const last = await result(meta.get('lastEditAt'));
  let editedAt = last?.value;
  for (const entry of changes) {
    const { record, mutation } = entry.make ? entry.make(await result(records.get(entry.id))) : entry;
    editedAt = nextEditTime(editedAt);
    records.put(record);
    tx.objectStore('outbox').add({ ...mutation, edited_at: editedAt });
  }
  for (const blob of blobs) tx.objectStore('blobs').put(blob);
  meta.put({ key: 'lastEditAt', value: editedAt });
  await done(tx);
  for (const listener of localChangeListeners) listener();
}

/** What the server said of pushed mutations: drop them from the outbox, keep what it sent back. */
export async function settlePushed(seqs, serverRecords, versions, newNotices) {
  const db = await openDb();
  const tx = db.transaction(['records', 'outbox', 'notices'], 'readwrite', { durability: 'strict' });
  const records = tx.objectStore('records');
  for (const seq of seqs) tx.objectStore('outbox').delete(seq);
  for (const [id, version] of Object.entries(versions)) {
    const record = await result(records.get(id));
    if (record && version > (record.version || 0)) records.put({ ...record, version });
  }
  for (const record of serverRecords) records.put(record);
  for (const notice of newNotices) tx.objectStore('notices').add(notice);
  await done(tx);
}

/** Apply a pulled page and move the cursor in one step; local edits not yet pushed stay on top. */
export async function applyPulled(changes, cursor) {
  const db = await openDb();
  const tx = db.transaction(['records', 'outbox', 'meta'], 'readwrite', { durability: 'strict' });
  const records = tx.objectStore('records');
  const pendingIds = new Set((await result(tx.objectStore('outbox').getAll())).map((entry) => entry.id));
  for (const change of changes) {
    if (change.revoked) {
      records.delete(change.id);
      for (const key of await result(records.index('parent').getAllKeys(change.id))) records.delete(key);
    } else if (pendingIds.has(change.id)) {
      const local = await result(records.get(change.id));
      records.put({ ...change, fields: { ...change.fields, ...(local?.fields || {}) } });
    } else {
      records.put(change);
    }
  }
  tx.objectStore('meta').put({ key: 'cursor', value: cursor });
  await done(tx);
}

export async function markBlobUploaded(sha256) {
  const db = await openDb();
  const tx = db.transaction('blobs', 'readwrite', { durability: 'strict' });
  const store = tx.objectStore('blobs');
  const blob = await result(store.get(sha256));
  if (blob) store.put({ ...blob, uploaded: true });
  await done(tx);
}

/** The server refused a photo for good: keep its bytes, stop sending it, and say why in a notice. */
export async function markBlobRefused(sha256, notice) {
  const db = await openDb();
  const tx = db.transaction(['blobs', 'notices'], 'readwrite', { durability: 'strict' });
  const store = tx.objectStore('blobs');
  const blob = await result(store.get(sha256));
  if (blob) store.put({ ...blob, refused: { code: notice.code, message: notice.message } });
  tx.objectStore('notices').add(notice);
  await done(tx);
}

export async function putBlob(blob) {
  const db = await openDb();
  const tx = db.transaction('blobs', 'readwrite');
  tx.objectStore('blobs').put(blob);
  await done(tx);
}

export async function pendingBlobs() {
  const all = await read('blobs', (store) => store.getAll());
  return all.filter((blob) => blob.uploaded === false && !blob.refused);
}

export async function dismissNotice(id) {
  const db = await openDb();
  const tx = db.transaction('notices', 'readwrite');
  tx.objectStore('notices').delete(id);
  await done(tx);
}

/** Forget everything of this device: used on log out once nothing is waiting. */
export async function clearAll() {
  const db = await openDb();
  const names = ['records', 'outbox', 'blobs', 'notices', 'meta'];
  const tx = db.transaction(names, 'readwrite', { durability: 'strict' });
  for (const name of names) tx.objectStore(name).clear();
  await done(tx);
}
