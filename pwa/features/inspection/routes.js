/** The inspector's rounds: checkpoints, an inspection's checklist, their own inspections. */

import { renderCheckpoint, renderCheckpoints } from './checkpoints.js';
import { renderInspection, renderInspections } from './inspection.js';

// Each route: an address pattern, and show(shell, ...captures); `form` marks a screen a sync must not redraw under the user.
export const routes = [
  { path: /^#\/checkpoints$/, show: ({ main }) => renderCheckpoints(main) },
  { path: /^#\/checkpoint\/([\w-]+)$/, show: ({ main }, id) => renderCheckpoint(main, id) },
  { path: /^#\/inspection\/([\w-]+)$/, show: ({ main }, id) => renderInspection(main, id), form: true },
  { path: /^#\/inspections$/, show: ({ main }) => renderInspections(main) },
];
