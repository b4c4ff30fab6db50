/**
 * An inspector's changes for a scheduled round: an inspection started at one
 * of its route points, carrying the round and how the inspector got there
 * (label scanned or chosen by hand, when, and where the phone was). The round
 * itself is the server's: it judges the round when the inspection arrives.
 */

import * as db from '../../db.js';
import { currentRevision } from '../../query.js';
import { currentUser, fresh, now } from '../../records.js';

const POSITION_WAIT_MS = 4000;
const POSITION_MAX_AGE_MS = 2 * 60 * 1000; // a fix from the last two minutes is still this spot on a patrol

/**
 * Where the phone is, as the inspection's location, or null: refused, no fix
 * (a basement), or not within a few seconds. Never throws and never waits
 * longer, so a missing position never holds up the patrol.
 */
export function currentLocation() {
  if (!navigator.geolocation) return Promise.resolve(null);
  return new Promise((resolve) => {
    const giveUp = setTimeout(() => resolve(null), POSITION_WAIT_MS); // the browser's own timeout leaves out its permission prompt
    navigator.geolocation.getCurrentPosition(
      ({ coords, timestamp }) => {
        clearTimeout(giveUp);
        resolve({ lat: coords.latitude, lng: coords.longitude, accuracy: coords.accuracy ?? null, captured_at: new Date(timestamp).toISOString() });
      },
      () => { clearTimeout(giveUp); resolve(null); },
      { enableHighAccuracy: true, timeout: POSITION_WAIT_MS, maximumAge: POSITION_MAX_AGE_MS });
  });
}

/** The checklist a round is done with: its template family's active revision (none when the family has none active). */
export function roundTemplate(round, templates) {
  const template = currentRevision(templates, round.fields.template_family_id);
  return template?.fields.active !== false ? template : null;
}

/**
 * Start the round's inspection at `checkpoint`; `presence` is how the inspector
 * reached it: { method: 'qr' | 'hand', code (what the label read, or null), location }.
 * The new inspection's id comes back.
 */
export async function startRoundInspection(round, template, checkpoint, { method, code = null, location = null }) {
  const user = await currentUser();
  const startedAt = now();
  const created = fresh('inspection', {
    template_id: template.id, site_id: checkpoint.fields.site_id, area_id: checkpoint.fields.area_id ?? null,
    checkpoint_id: checkpoint.id, inspector_id: user.id, status: 'draft', started_at: startedAt, answers: {},
    round_id: round.id, presence: { method, code, at: startedAt, location },
    // Also the inspection's own place, as office reads it on any inspection.
    ...(location ? { location } : {}),
  });
  await db.saveWithOutbox([created]);
  return created.record.id;
}
