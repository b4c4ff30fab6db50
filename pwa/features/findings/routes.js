/** The inspector's findings: raise one (from an item, at a checkpoint, or on its own), list and follow their own. */

import { renderFinding, renderFindings, renderNewFinding } from './findings.js';

export const routes = [
  { path: /^#\/finding\/new(?:\?(.*))?$/, show: ({ main }, query) => renderNewFinding(main, new URLSearchParams(query || '')), form: true },
  { path: /^#\/finding\/([\w-]+)$/, show: ({ main }, id) => renderFinding(main, id), form: true },
  { path: /^#\/findings$/, show: ({ main }) => renderFindings(main) },
];
