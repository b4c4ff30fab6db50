/** The office's changes to rounds, queued in the outbox so they work offline: a schedule saved, an alert read. */

import * as db from '../../db.js';
import { createRecord, editRecord } from '../../records.js';

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export async function refusalsOf(recordId) {
  return (await db.notices()).filter((notice) => notice.kind === 'rejected' && notice.record_id === recordId);
}

/** Only the changed fields, except for a schedule the server never accepted: its corrected create goes whole. This save answers its refusals. */
export async function saveSchedule(schedule, fields) {
  if (!schedule) return createRecord('schedule', fields);
  for (const notice of await refusalsOf(schedule.id)) await db.dismissNotice(notice.id);
  const accepted = Boolean(schedule.version);
  const changed = accepted ? Object.fromEntries(Object.entries(fields).filter(([name, value]) => !same(schedule.fields[name], value))) : fields;
  if (Object.keys(changed).length) await editRecord(schedule.id, changed);
  return schedule.id;
}

export async function markAlertRead(alertId) {
  await editRecord(alertId, { status: 'read' });
}
