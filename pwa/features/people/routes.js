/** The office's screens that need the network: people and their devices (revoke a lost phone), and the conflicts list. */

import { renderConflicts, renderPeople } from './people.js';

export const routes = [
  { path: /^#\/people$/, show: ({ main }) => renderPeople(main) },
  { path: /^#\/conflicts$/, show: ({ main }) => renderConflicts(main) },
];
