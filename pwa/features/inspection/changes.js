/** An inspector's changes to an inspection: start one at a checkpoint, answer its items, submit it. */

import * as db from '../../db.js';
import { currentUser, edit, fresh, now } from '../../records.js';

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
