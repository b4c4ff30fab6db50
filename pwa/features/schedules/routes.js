/** The office's scheduled rounds: schedules, compliance, one round's points, and missed-round alerts. */

import { drawAlertBadge, renderAlerts, renderCompliance, renderRoundDetail } from './rounds.js';
import { renderSchedule, renderSchedules } from './schedules.js';

export { drawAlertBadge };

// #/round-detail/<id>, as #/round/<id> is the inspector's round on the phone.
export const routes = [
  { path: /^#\/schedules$/, show: ({ main }) => renderSchedules(main) },
  { path: /^#\/schedule\/([\w-]+)$/, show: ({ main }, id) => renderSchedule(main, id), form: true },
  { path: /^#\/compliance$/, show: ({ main }) => renderCompliance(main) },
  { path: /^#\/round-detail\/([\w-]+)$/, show: ({ main }, id) => renderRoundDetail(main, id) },
  { path: /^#\/alerts$/, show: ({ main }) => renderAlerts(main) },
];
