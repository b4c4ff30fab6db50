/** The inspector's rounds: checkpoints, an inspection's checklist, their own inspections. */

import * as db from '../../db.js';
import { t } from '../../i18n.js';
import { renderCheckpoint, renderCheckpoints } from './checkpoints.js';
import { renderInspection, renderInspections } from './inspection.js';

// Each route: an address pattern, and show(shell, ...captures); `form` marks a screen a sync must not redraw under the user.
export const routes = [
  { path: /^#\/checkpoints$/, show: ({ main }) => renderCheckpoints(main) },
  { path: /^#\/checkpoint\/([\w-]+)$/, show: ({ main }, id) => renderCheckpoint(main, id) },
  // ?item=<key>&finding=<id>: back from raising a finding on that item, at the item, saying so.
  { path: /^#\/inspection\/([\w-]+)(?:\?(.*))?$/, form: true, show: async ({ main }, id, query) => {
    const params = new URLSearchParams(query || '');
    const finding = params.get('finding') ? await db.getRecord(params.get('finding')) : null;
    return renderInspection(main, id, params.get('item'), finding ? t('finding_saved', { title: finding.fields.title }) : null);
  } },
  { path: /^#\/inspections$/, show: ({ main }) => renderInspections(main) },
];
