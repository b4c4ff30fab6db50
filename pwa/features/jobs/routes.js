/** The contractor's jobs: the findings assigned to their company. */

import { renderJob, renderJobs } from './jobs.js';

export const routes = [
  { path: /^#\/jobs$/, show: ({ main }) => renderJobs(main) },
  { path: /^#\/job\/([\w-]+)$/, show: ({ main }, id) => renderJob(main, id) },
];
