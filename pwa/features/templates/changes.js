/** A checklist template's item kinds (as schemas/records.py checks them) and the office's revision of one. */

import * as db from '../../db.js';
import { edit, fresh } from '../../records.js';

export { ITEM_KINDS } from '../../vocabulary.js';

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
