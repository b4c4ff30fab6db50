/** The office's reference data: sites, areas, checkpoints, companies; and QR labels. */

import { renderLabels, renderSetup, renderSetupRecord } from './setup.js';

export const routes = [
  { path: /^#\/setup$/, show: ({ main }) => renderSetup(main) },
  { path: /^#\/setup\/(\w+)\/([\w-]+)$/, show: ({ main }, type, id) => renderSetupRecord(main, type, id), form: true },
  { path: /^#\/labels(?:\?.*)?$/, show: ({ main }) => renderLabels(main) },
];
