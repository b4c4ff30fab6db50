/** The office's checklist templates. */

import { renderTemplate, renderTemplates } from './templates.js';

export const routes = [
  { path: /^#\/templates$/, show: ({ main }) => renderTemplates(main) },
  { path: /^#\/template\/([\w-]+)$/, show: ({ main }, id) => renderTemplate(main, id), form: true },
];
