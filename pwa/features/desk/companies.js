/** Contractor companies at a glance: each one's open, overdue, awaiting-visit and closed items; a row opens its findings on the desk. */

import * as db from '../../db.js';
import { t } from '../../i18n.js';
import { isOverdue } from '../findings/changes.js';
import { showCompany } from './desk.js';
import { h, replace } from '../../dom.js';

export async function renderCompanies(main) {
  const [companies, findings] = await Promise.all([db.recordsOfType('company'), db.recordsOfType('finding')]);
  const rows = companies.filter((company) => !company.deleted)
    .map((company) => {
      const own = findings.filter((finding) => !finding.deleted && finding.fields.company_id === company.id);
      const counted = (test) => own.filter(test).length;
      return {
        company,
        open: counted((f) => ['assigned', 'in_progress'].includes(f.fields.status)),
        overdue: counted(isOverdue),
        fixed: counted((f) => f.fields.status === 'fixed'),
        closed: counted((f) => f.fields.status === 'closed'),
      };
    })
    .sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.company.fields.name.localeCompare(b.company.fields.name));
  replace(main,
    h('h1', {}, t('nav_companies')),
    h('table', { class: 'answers', id: 'company-table' },
      h('thead', {}, h('tr', {}, [t('company'), t('count_open'), t('overdue'), t('count_fixed'), t('status_closed')]
        .map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, rows.map((row) => h('tr', { class: row.overdue ? 'late' : '' },
        h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', onclick: () => showCompany(row.company.id) },
          row.company.fields.name), row.company.fields.trade ? h('div', { class: 'hint' }, row.company.fields.trade) : null),
        h('td', {}, String(row.open)),
        h('td', { class: row.overdue ? 'fail' : '' }, String(row.overdue)),
        h('td', {}, String(row.fixed)),
        h('td', {}, String(row.closed)))))));
}
