/** The inspector's scheduled rounds: today's and tomorrow's, and one round's route. */

import { renderRound, renderRounds } from './rounds.js';

// Each route: an address pattern, and show(shell, ...captures).
export const routes = [
  { path: /^#\/rounds$/, show: ({ main }) => renderRounds(main) },
  // ?submitted=<inspection id>: back from a point's checklist, saying it counted.
  { path: /^#\/round\/([\w-]+)(?:\?(.*))?$/, show: ({ main }, id, query) => renderRound(main, id, new URLSearchParams(query || '').get('submitted')) },
];
