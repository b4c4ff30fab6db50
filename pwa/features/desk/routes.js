/** The office's findings desk, and the contractor companies' workload. */

import { renderCompanies } from './companies.js';
import { renderDesk, renderDeskFinding } from './desk.js';

export const routes = [
  { path: /^#\/desk$/, show: ({ main }) => renderDesk(main) },
  { path: /^#\/desk\/([\w-]+)$/, show: ({ main }, id) => renderDeskFinding(main, id), form: true },
  { path: /^#\/companies$/, show: ({ main }) => renderCompanies(main) },
];
