/**
 * Questions several features ask of the local records, in one place: the
 * children of a record (through db.js's `parent` index), where an area
 * sits (its chain of parents) and which revision of a template family counts. It reads through db.js and never opens
 * IndexedDB itself; it builds no DOM.
 */

import * as db from './db.js';

/** A template's family: the first revision's id (that revision has no family_id). */
export const familyOf = (template) => template.fields.family_id || template.id;

/**
 * The revision of a template family that work is done with: the active one (an
 * office edit makes a new revision and retires the old), else the latest.
 */
export function currentRevision(templates, familyId) {
  return templates.filter((template) => !template.deleted && familyOf(template) === familyId)
    .sort((a, b) => Number(b.fields.active !== false) - Number(a.fields.active !== false) || (b.fields.revision || 1) - (a.fields.revision || 1))[0] || null;
}

/** The live children of a record (its photos, comments, sub-areas), of one type if given. */
export async function childrenOf(parentId, type = null) {
  const children = await db.recordsWithParent(parentId);
  return children.filter((record) => !record.deleted && (!type || record.type === type));
}

/**
 * The areas from the top down to `areaId` (itself last), up the parent_id
 * links in `byId` (a Map of id to record). The one walk up the places: a loop
 * in the data (an area made its own ancestor by an edit an older server let
 * through) ends at the first area seen twice, never hangs the screen.
 */
export function areaChain(areaId, byId) {
  const chain = [];
  const seen = new Set();
  for (let area = byId.get(areaId); area && !seen.has(area.id); area = byId.get(area.fields.parent_id)) {
    seen.add(area.id);
    chain.unshift(area);
  }
  return chain;
}

/** Whether `areaId` is `ancestorId` or lies anywhere under it. */
export function isWithin(areaId, ancestorId, byId) {
  return areaChain(areaId, byId).some((area) => area.id === ancestorId);
}
