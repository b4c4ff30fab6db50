/** A contractor's change to a job: the fix, with its "after" photos. */

import * as db from '../../db.js';
import { edit, fresh, now } from '../../records.js';

/** A contractor's fix: the "after" photos first, then the status, so the server sees the photos when it checks. */
export async function markFixed(findingId, fixNote, preparedPhotos) {
  const photos = preparedPhotos.map((prepared) => fresh('photo', { blob: prepared.sha256, parent_type: 'finding', parent_id: findingId,
                                                                    item_key: null, role: 'after', taken_at: now() }));
  await db.saveWithOutbox([...photos, edit(findingId, { status: 'fixed', fix_note: fixNote })], preparedPhotos);
}
