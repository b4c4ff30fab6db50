/** Everyone's sync screen: what waits, what the server said, log out; and changing one's password. */

import * as db from '../../db.js';
import { renderPasswordForm } from './password.js';
import { renderSyncView } from './status.js';

export const routes = [
  { path: /^#\/sync$/, show: async ({ main, onLogout }) => renderSyncView(main, { user: (await db.getMeta('session')).user, onLogout }) },
  { path: /^#\/password$/, show: ({ main }) => renderPasswordForm(main) },
];
