/**
 * A finding's story as the server keeps it (`status_history`: each status it
 * took, when, by whom, with the office's note), and whether office sent a
 * reported fix back. Shared by the inspector's, the contractor's and the
 * office's view of a finding.
 */

import { formatTime, t } from '../../i18n.js';
import { h } from '../../dom.js';

/** The entry that sent a reported fix back to the company (its `note` is office's reason), or null. */
export function sentBack(finding) {
  if (!['assigned', 'in_progress'].includes(finding.fields.status)) return null;
  const history = finding.fields.status_history || [];
  const lastFix = history.findLastIndex((entry) => entry.status === 'fixed');
  if (lastFix < 0) return null;
  return history.slice(lastFix + 1).find((entry) => entry.status === 'assigned') || null;
}

/** The status word for a finding: "sent back" rather than plain "assigned" when a fix went back. */
export function statusChip(finding, id = null) {
  const back = sentBack(finding);
  return h('span', { class: `chip ${back ? 'sent_back' : finding.fields.status}`, id }, t(back ? 'status_sent_back' : `status_${finding.fields.status}`));
}

/** Who made a move: a name where this device knows people (office), else the role; yourself as "you". */
function who(entry, nameOf, me) {
  if (entry.by === me) return t('you');
  return nameOf?.get(entry.by) || t(`role_${entry.role}`);
}

/** The list of status changes, oldest first; nothing for a finding an older server never gave a history. */
export function historyList(finding, { nameOf = null, me = null } = {}) {
  const history = finding.fields.status_history || [];
  if (!history.length) return null;
  return [h('h2', { id: 'history-heading' }, t('history')),
    h('ol', { class: 'history', id: 'finding-history', 'aria-labelledby': 'history-heading' }, history.map((entry, index) => {
      const back = entry.status === 'assigned' && history[index - 1]?.status === 'fixed';
      const verdict = entry.status === 'closed' && history[index - 1]?.status === 'fixed' ? t('verified_ok') : back ? t('verified_not_ok') : null;
      return h('li', { 'data-status': back ? 'sent_back' : entry.status },
        h('strong', {}, t(back ? 'status_sent_back' : `status_${entry.status}`)),
        ` · ${formatTime(entry.at)} · ${who(entry, nameOf, me)}`,
        verdict ? ` · ${verdict}` : '',
        entry.note ? h('p', { class: 'history-note' }, entry.note) : null);
    }))];
}
