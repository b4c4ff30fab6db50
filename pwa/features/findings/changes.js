/** A finding's vocabulary (the server's, from vocabulary.js) and the inspector's change that raises one. */

import * as db from '../../db.js';
import { currentUser, fresh, now } from '../../records.js';
import { STATUSES } from '../../vocabulary.js';

export { SEVERITIES } from '../../vocabulary.js';
export const FINDING_STATUSES = STATUSES.finding;

/** A rectification past its due date (dates compare as YYYY-MM-DD text). */
export function isOverdue(finding) {
  const { status, due_date: due } = finding.fields;
  return ['assigned', 'in_progress'].includes(status) && Boolean(due) && due < new Date().toISOString().slice(0, 10);
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
