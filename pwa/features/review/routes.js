/** The office's review of submitted inspections. */

import { renderReview, renderReviewInspection } from './review.js';

export const routes = [
  { path: /^#\/review$/, show: ({ main }) => renderReview(main) },
  { path: /^#\/review\/([\w-]+)$/, show: ({ main }, id) => renderReviewInspection(main, id), form: true },
];
