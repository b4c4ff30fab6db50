/**
 * Everything that talks to the server: log in, push the outbox, upload photo
 * bytes in resumable chunks, pull what changed. Only this module calls the API.
 *
 * A sync is: upload every photo the server does not hold yet (each confirmed
 * stored before the phone stops sending it), push every queued mutation (in
 * order, in batches), then pull until nothing more is waiting.
 * It runs on start, on `online`, when the app comes back to the foreground,
 * every few minutes, and on the button; one at a time (a Web Lock keeps two
 * tabs from pushing the same outbox at once; the server's exactly-once rule
 * would absorb it anyway).
 */

import * as db from './db.js';

const API = '/api/v1';
const PUSH_BATCH = 100;
const PULL_LIMIT = 500;
export const CHUNK_BYTES = 256 * 1024;
const PERIOD_MS = 3 * 60 * 1000;

const listeners = new Set();
// `dataVersion` grows when a sync changed local data, so screens redraw only then.
let state = { phase: 'idle', online: navigator.onLine, error: null, upload: null, dataVersion: 0 };

/** Subscribe to sync state changes; returns an unsubscribe function. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function update(patch) {
  state = { ...state, ...patch };
  for (const listener of listeners) listener(state);
}

export const syncState = () => state;

export class AuthError extends Error {}

async function session() {
  return db.getMeta('session');
}

async function call(path, { method = 'GET', body, headers = {}, token } = {}) {
  const auth = token ?? (await session())?.token;
  const init = { method, headers: { ...headers }, cache: 'no-store' };
  if (auth) init.headers.Authorization = `Bearer ${auth}`;
  if (body !== undefined) {
    if (body instanceof Blob) {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
  }
  const response = await fetch(API + path, init);
  if (response.status === 401 && path !== '/auth/login') {
    throw new AuthError('This device was logged out or revoked; log in again.');
  }
  return response;
}

/** The server's JSON error as `{ code, message }`, or one named after the HTTP status when the body is not one. */
async function serverError(response) {
  const error = await response.json().then((body) => body.error).catch(() => null);
  return { code: error?.code || `http_${response.status}`, message: error?.message || `HTTP ${response.status}` };
}

async function errorMessage(response) {
  try {
    return (await response.json()).error.message;
  } catch {
    return `The server answered ${response.status}.`;
  }
}

export class OfflineError extends Error {}

/**
 * An office call outside the sync (devices, conflicts): the answer's JSON, or
 * an error whose message can be shown. These screens need the network.
 */
export async function apiJson(path, options = {}) {
  let response;
  try {
    response = await call(path, options);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new OfflineError('offline');
  }
  if (!response.ok) throw new Error(await errorMessage(response));
  return response.status === 204 ? null : response.json();
}

/** An image from the API (a QR label) as an object URL; the caller revokes it. */
export async function apiImageUrl(path) {
  let response;
  try {
    response = await call(path);
  } catch {
    throw new OfflineError('offline');
  }
  if (!response.ok) throw new Error(await errorMessage(response));
  return URL.createObjectURL(await response.blob());
}

/** A file from the API (a spreadsheet export) as `{ blob, filename }`; these need the network. */
export async function apiDownload(path) {
  let response;
  try {
    response = await call(path);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new OfflineError('offline');
  }
  if (!response.ok) throw new Error(await errorMessage(response));
  const filename = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') || '')?.[1] || 'export';
  return { blob: await response.blob(), filename };
}

/** A refused login: `code` is the server's stable error code (or this module's own), for the screen to put in words. */
export class LoginRefused extends Error {
  constructor(code, message, details = {}) {
    super(message);
    Object.assign(this, { code, details });
  }
}

export async function login(username, password, deviceName) {
  const response = await call('/auth/login', { method: 'POST', body: { username, password, device_name: deviceName } });
  if (!response.ok) {
    const { code, message } = await serverError(response);
    throw new LoginRefused(code, message);
  }
  const body = await response.json();
  const previous = await session();
  const waiting = (await db.outboxEntries()).length;
  if (previous && previous.user.id !== body.user.id && waiting) {
    throw new LoginRefused('other_user_waiting', 'changes of another user are waiting', { count: waiting, username: previous.user.username });
  }
  if (previous && previous.user.id !== body.user.id) await db.clearAll();
  await db.setMeta('session', { token: body.token, device_id: body.device_id, user: body.user });
  localStorage.setItem('estate-patrol-had-session', '1');
  return body.user;
}

/** Set a new password, giving the current one; the server signs this user's other devices out. A refusal carries the server's error code. */
export async function changePassword(current, next) {
  const response = await call('/auth/password', { method: 'POST', body: { current_password: current, new_password: next } });
  if (response.ok) return { ok: true, ...(await response.json()) };
  return { ok: false, ...(await serverError(response)) };
}

export async function logout() {
  try {
    await call('/auth/logout', { method: 'POST' });
  } catch {
    // Offline: the token stays valid until office revokes it; the phone forgets it anyway.
  }
  await db.clearAll();
  localStorage.removeItem('estate-patrol-had-session');
}

/** Run one sync unless one is running; resolves when it ends. */
export async function syncNow() {
  if (!(await session())) return;
  const run = () => syncOnce();
  if (navigator.locks) return navigator.locks.request('estate-patrol-sync', { ifAvailable: true }, (lock) => (lock ? run() : null));
  return run();
}

let running = null;
async function syncOnce() {
  if (running) return running;
  running = (async () => {
    update({ phase: 'syncing', error: null });
    try {
      // Bytes before records: a photo record is then accepted for bytes its author has sent.
      await uploadPhotos();
      await pushOutbox();
      await pullChanges();
      await refreshUsers();
      const waiting = await pendingCounts();
      if (!waiting.changes && !waiting.blobs) await db.setMeta('lastSyncAt', new Date().toISOString());
      update({ phase: 'idle', online: true, error: null, upload: null, authRequired: false });
    } catch (error) {
      const offline = error instanceof TypeError; // fetch's network failure
      update({ phase: offline ? 'offline' : 'error', online: !offline, upload: null,
               error: offline ? null : error, authRequired: error instanceof AuthError });
    } finally {
      running = null;
      notifyData();
    }
  })();
  return running;
}

/** Office screens name people: keep the user list (it is not a record type) for offline use. */
async function refreshUsers() {
  const role = (await session())?.user.role;
  if (role !== 'office' && role !== 'admin') return;
  const response = await call('/users');
  if (response.ok) await db.setMeta('users', (await response.json()).users);
}

function notifyData() {
  for (const listener of listeners) listener(state);
}

async function pushOutbox() {
  for (;;) {
    const entries = (await db.outboxEntries()).slice(0, PUSH_BATCH);
    if (!entries.length) return;
    const mutations = entries.map(({ seq, ...mutation }) => mutation);
    const response = await call('/sync/push', { method: 'POST', body: { sent_at: new Date().toISOString(), mutations } });
    if (!response.ok) throw new Error(await errorMessage(response));
    const { results } = await response.json();
    const serverRecords = [];
    const versions = {};
    const newNotices = [];
    results.forEach((result, index) => {
      const mutation = mutations[index];
      const status = result.status === 'duplicate' ? result.first_status : result.status;
      if (status === 'applied') {
        if (result.version) versions[mutation.id] = result.version;
      } else if (status === 'conflict') {
        if (result.record) serverRecords.push(result.record);
        newNotices.push({ kind: 'conflict', type: mutation.type, record_id: mutation.id, fields: result.conflicts || [],
                          tried: mutation.fields || {}, at: new Date().toISOString() });
      } else {
        newNotices.push({ kind: 'rejected', type: mutation.type, record_id: mutation.id,
                          message: result.error?.message || 'Refused by the server.', fields: result.error?.fields || null,
                          at: new Date().toISOString() });
      }
    });
    await db.settlePushed(entries.map((entry) => entry.seq), serverRecords, versions, newNotices);
    if (serverRecords.length || newNotices.length) state.dataVersion += 1;
  }
}

/** A photo the server refused for good (not an image, too big, too costly to decode): the phone keeps it and says so. */
export class PhotoRefused extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

async function uploadPhotos() {
  const blobs = await db.pendingBlobs();
  const total = blobs.reduce((sum, blob) => sum + blob.size, 0);
  let sent = 0;
  for (const [index, blob] of blobs.entries()) {
    update({ upload: { index: index + 1, count: blobs.length, sent, total } });
    try {
      await uploadOne(blob, (bytes) => update({ upload: { index: index + 1, count: blobs.length, sent: sent + bytes, total } }));
    } catch (error) {
      if (!(error instanceof PhotoRefused)) throw error;
      // One refused photo must not hold back the others or the changes: it stays on the phone, with a notice.
      await db.markBlobRefused(blob.sha256, { kind: 'rejected', type: 'photo', record_id: blob.sha256, message: error.message,
                                             code: error.code, at: new Date().toISOString() });
      state.dataVersion += 1;
      continue;
    }
    sent += blob.size;
    await db.markBlobUploaded(blob.sha256);
  }
}

/** Whether the server holds the photo whole and can serve it; only then may the phone stop sending it. */
export async function isStored(blob) {
  const head = await call(`/blobs/${blob.sha256}`, { method: 'HEAD' });
  return head.ok && head.headers.get('Upload-Offset') === String(blob.size) && head.headers.get('Upload-Length') === String(blob.size);
}

const REFUSED = new Set([413, 415, 422]);

/** Send a photo's bytes from wherever the server stopped receiving them, and confirm it stored them. */
export async function uploadOne(blob, progress = () => {}) {
  const url = `/blobs/${blob.sha256}`;
  const head = await call(url, { method: 'HEAD' });
  let offset = head.status === 404 ? 0 : Number(head.headers.get('Upload-Offset'));
  if (head.ok && offset === blob.size && Number(head.headers.get('Upload-Length')) === blob.size) return;
  if (!head.ok || offset > blob.size) offset = 0;
  while (offset < blob.size) {
    const chunk = blob.bytes.slice(offset, offset + CHUNK_BYTES);
    const response = await call(url, {
      method: 'PATCH', body: chunk,
      headers: { 'Content-Type': blob.type, 'Upload-Offset': String(offset), 'Upload-Length': String(blob.size) },
    });
    if (response.status === 409) {
      offset = Number(response.headers.get('Upload-Offset'));
      continue;
    }
    if (REFUSED.has(response.status)) {
      const { code, message } = await serverError(response);
      throw new PhotoRefused(message, code);
    }
    if (!response.ok) throw new Error(`Photo upload failed: ${await errorMessage(response)}`);
    offset = Number(response.headers.get('Upload-Offset'));
    progress(offset);
  }
  // A 204 says the last chunk arrived; a crash before the server stored it would still lose the photo, so ask.
  if (!(await isStored(blob))) throw new Error('The server has not stored a photo yet; it will be sent again.');
}

async function pullChanges() {
  for (;;) {
    const cursor = await db.getMeta('cursor');
    const query = new URLSearchParams({ limit: String(PULL_LIMIT) });
    if (cursor) query.set('since', cursor);
    const response = await call(`/sync/pull?${query}`);
    if (response.status === 400 && cursor) {
      await db.setMeta('cursor', null); // the server was reset: start again from the beginning
      continue;
    }
    if (!response.ok) throw new Error(await errorMessage(response));
    const page = await response.json();
    await db.applyPulled(page.changes, page.cursor);
    if (page.changes.length) state.dataVersion += 1;
    if (!page.has_more) return;
  }
}

/** How many changes and photos wait on this phone. */
/**
 * What waits to be sent: `changes` (outbox entries) and, for people, the
 * records with unsent changes by type (`records`, photos apart) and the
 * `photos` (images) whose record or bytes are not on the server yet, each image once.
 */
export async function pendingCounts() {
  const [entries, blobs] = await Promise.all([db.outboxEntries(), db.pendingBlobs()]);
  const byType = new Map();
  const photoBlobs = new Set();
  for (const entry of entries) {
    if (!byType.has(entry.type)) byType.set(entry.type, new Set());
    byType.get(entry.type).add(entry.id);
    if (entry.type === 'photo' && entry.fields?.blob) photoBlobs.add(entry.fields.blob);
  }
  // A photo is an image: one shown on an item and on the finding raised from it counts once, bytes or record unsent.
  for (const blob of blobs) photoBlobs.add(blob.sha256);
  const photos = photoBlobs.size;
  byType.delete('photo');
  const records = Object.fromEntries([...byType].map(([type, ids]) => [type, ids.size]));
  return { changes: entries.length, blobs: blobs.length, photos, records };
}

/** Ids of records with changes not yet sent, and of the records their unsent photos and comments hang on. */
export async function unsentIds() {
  const ids = new Set();
  for (const entry of await db.outboxEntries()) {
    ids.add(entry.id);
    if (entry.fields?.parent_id) ids.add(entry.fields.parent_id);
  }
  return ids;
}

/** A photo's bytes for display: the local copy, or the server's thumbnail kept for offline use. */
export async function photoBytes(sha256, size = 'thumb') {
  const local = await db.getBlob(sha256);
  if (local?.bytes) return local.bytes;
  const cached = await db.getBlob(`${sha256}:${size}`);
  if (cached) return cached.bytes;
  const response = await call(`/blobs/${sha256}?size=${size}`);
  if (!response.ok) return null;
  const bytes = await response.blob();
  await db.putBlob({ sha256: `${sha256}:${size}`, bytes, type: bytes.type, size: bytes.size, uploaded: true });
  return bytes;
}

const SOON_MS = 2000;
let soon = null;

/** Start syncing on every occasion a phone gives us, and shortly after each local change. */
export function startAutoSync() {
  const kick = () => syncNow();
  db.onLocalChange(() => {
    notifyData();
    clearTimeout(soon);
    if (navigator.onLine) soon = setTimeout(kick, SOON_MS);
  });
  window.addEventListener('online', () => { update({ online: true }); kick(); });
  window.addEventListener('offline', () => update({ online: false, phase: 'offline' }));
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') kick(); });
  setInterval(kick, PERIOD_MS);
  kick();
}
