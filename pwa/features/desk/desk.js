/**
 * The office's findings desk: every finding in reach, filtered and searched,
 * assigned one at a time or in bulk; one finding with its before and after
 * photos side by side, to assign to a contractor with a due date, close after
 * the return visit, send back, or cancel.
 */

import * as db from '../../db.js';
import { currentLanguage, formatTime, localName, t } from '../../i18n.js';
import { CATEGORIES, editRecord, editRecords } from '../../records.js';
import { FINDING_STATUSES, isOverdue, SEVERITIES } from '../findings/changes.js';
import { historyList, statusChip } from '../findings/history.js';
import { areaChain, childrenOf } from '../../query.js';
import { CLOCK_TOLERANCE_MS } from '../../vocabulary.js';
import { apiDownload, OfflineError, photoBytes, unsentIds } from '../../sync.js';
import { unsentMark } from '../status/status.js';
import { announce, h, labelledSelect, photoImage, replace } from '../../dom.js';

const ASSIGNABLE = ['open', 'assigned', 'in_progress'];
const filters = { status: '', category: '', severity: '', site: '', building: '', company: '', raisedBy: '', from: '', to: '', overdue: false, search: '' };

/** The building an area is in (itself, or the nearest building above it). */
export function buildingOf(areaId, areasById) {
  return areaChain(areaId, areasById).findLast((area) => area.fields.kind === 'building')?.id ?? null;
}

/** The desk, filtered to one contractor company (from the companies view). */
export function showCompany(companyId) {
  Object.assign(filters, { status: '', category: '', severity: '', site: '', building: '', company: companyId, raisedBy: '', from: '', to: '',
                           overdue: false, search: '' });
  location.hash = '#/desk';
}


export async function renderDesk(main) {
  const [findings, companies, sites, areas, users] = await Promise.all([db.recordsOfType('finding'), db.recordsOfType('company'),
    db.recordsOfType('site'), db.recordsOfType('area'), db.getMeta('users')]);
  const areasById = new Map(areas.map((area) => [area.id, area]));
  const buildings = areas.filter((area) => !area.deleted && area.fields.kind === 'building');
  const inspectors = (users || []).filter((user) => findings.some((finding) => finding.fields.created_by === user.id));
  const companyName = new Map(companies.map((company) => [company.id, company.fields.name]));
  const liveCompanies = companies.filter((c) => !c.deleted);
  const selected = new Set();
  const unsent = await unsentIds();
  const list = h('ul', { class: 'cards desk-list', id: 'desk-list' });
  const count = h('p', { class: 'hint', 'aria-live': 'polite' });
  const bulkError = h('p', { class: 'error', role: 'alert' });
  const bulkButton = h('button', { type: 'submit', class: 'primary', id: 'bulk-assign', disabled: true }, t('assign_selected', { count: 0 }));
  const bulkForm = h('form', { class: 'bulk', id: 'bulk-form', 'aria-label': t('bulk_assign') },
    h('div', {}, ...labelledSelect('bulk-company', t('assign_to'), [['', '—'], ...liveCompanies.map((c) => [c.id, c.fields.name])], '')),
    h('div', {}, h('label', { for: 'bulk-due' }, t('due_date')), h('input', { type: 'date', id: 'bulk-due' })),
    h('div', {}, bulkButton), bulkError);
  const drawSelection = () => {
    bulkButton.textContent = t('assign_selected', { count: selected.size });
    bulkButton.disabled = selected.size === 0;
  };
  bulkForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const company = bulkForm.querySelector('#bulk-company').value;
    const due = bulkForm.querySelector('#bulk-due').value;
    if (!company || !due) { bulkError.textContent = t('need_company_and_date'); return; }
    const chosen = findings.filter((finding) => selected.has(finding.id));
    // One transaction: the whole selection is assigned, or none of it.
    await editRecords(chosen.map((finding) => [finding.id, finding.fields.status === 'open'
      ? { status: 'assigned', company_id: company, due_date: due } : { company_id: company, due_date: due }]));
    await renderDesk(main);
    announce(main, t('bulk_assigned_outcome', { count: chosen.length, company: companyName.get(company) || '', date: due }), main.querySelector('#bulk-form'));
  });

  function show() {
    const needle = filters.search.trim().toLowerCase();
    const shown = findings.filter((finding) => !finding.deleted
      && (!filters.status || finding.fields.status === filters.status)
      && (!filters.category || finding.fields.category === filters.category)
      && (!filters.severity || finding.fields.severity === filters.severity)
      && (!filters.site || finding.fields.site_id === filters.site)
      && (!filters.building || buildingOf(finding.fields.area_id, areasById) === filters.building)
      && (!filters.raisedBy || finding.fields.created_by === filters.raisedBy)
      && (!filters.from || (finding.fields.reported_at || '').slice(0, 10) >= filters.from)
      && (!filters.to || (finding.fields.reported_at || '9999').slice(0, 10) <= filters.to)
      && (!filters.company || (filters.company === 'none' ? !finding.fields.company_id : finding.fields.company_id === filters.company))
      && (!filters.overdue || isOverdue(finding))
      && (!needle || `${finding.fields.title} ${finding.fields.description || ''}`.toLowerCase().includes(needle)))
      .sort((a, b) => Number(isOverdue(b)) - Number(isOverdue(a))
        || (b.fields.reported_at || '').localeCompare(a.fields.reported_at || '') || (b.id > a.id ? 1 : -1));
    for (const id of [...selected]) if (!shown.some((finding) => finding.id === id)) selected.delete(id);
    replace(list, shown.map((finding) => h('li', { class: 'selectable' },
      ASSIGNABLE.includes(finding.fields.status) ? h('span', { class: 'pick' },
        h('input', { type: 'checkbox', id: `pick-${finding.id}`, checked: selected.has(finding.id), onchange: (event) => {
          if (event.target.checked) selected.add(finding.id); else selected.delete(finding.id);
          drawSelection();
        } }),
        h('label', { for: `pick-${finding.id}`, class: 'visually-hidden' }, t('select_finding', { title: finding.fields.title }))) : h('span', { class: 'pick' }),
      h('a', { href: `#/desk/${finding.id}`, class: `card${isOverdue(finding) ? ' overdue' : ''}` },
        h('span', { class: 'card-title' }, finding.fields.title),
        statusChip(finding),
        unsentMark(unsent, finding.id),
        h('span', { class: 'card-sub' }, [t(`severity_${finding.fields.severity}`), t(`category_${finding.fields.category}`),
          finding.fields.company_id ? companyName.get(finding.fields.company_id) : t('unassigned'),
          finding.fields.due_date ? `${isOverdue(finding) ? `${t('overdue')} · ` : ''}${t('due', { date: finding.fields.due_date })}` : null]
          .filter(Boolean).join(' · '))))));
    count.textContent = t('shown_count', { count: shown.length });
    drawSelection();
  }

  const set = (name) => (value) => { filters[name] = value; show(); };
  replace(main,
    h('h1', {}, t('nav_desk')),
    exportButtons(),
    h('div', { class: 'filters' },
      h('div', {}, labelledSelect('filter-status', t('filter_status'), [['', t('all')], ...FINDING_STATUSES.map((s) => [s, t(`status_${s}`)])], filters.status, set('status'))),
      h('div', {}, labelledSelect('filter-site', t('site'), [['', t('all')], ...sites.filter((s) => !s.deleted).map((s) => [s.id, localName(s.fields)])], filters.site, set('site'))),
      h('div', {}, labelledSelect('filter-building', t('building'), [['', t('all')], ...buildings.map((b) => [b.id, localName(b.fields)])], filters.building, set('building'))),
      h('div', {}, labelledSelect('filter-category', t('filter_category'), [['', t('all')], ...CATEGORIES.map((c) => [c, t(`category_${c}`)])], filters.category, set('category'))),
      h('div', {}, labelledSelect('filter-severity', t('severity'), [['', t('all')], ...SEVERITIES.map((s) => [s, t(`severity_${s}`)])], filters.severity, set('severity'))),
      h('div', {}, labelledSelect('filter-company', t('filter_company'), [['', t('all')], ['none', t('unassigned')], ...liveCompanies.map((c) => [c.id, c.fields.name])], filters.company, set('company'))),
      h('div', {}, labelledSelect('filter-raised-by', t('raised_by'), [['', t('all')], ...inspectors.map((u) => [u.id, u.name || u.username])], filters.raisedBy, set('raisedBy'))),
      h('div', {}, h('label', { for: 'filter-from' }, t('reported_from')),
        h('input', { type: 'date', id: 'filter-from', value: filters.from, onchange: (event) => set('from')(event.target.value) })),
      h('div', {}, h('label', { for: 'filter-to' }, t('reported_to')),
        h('input', { type: 'date', id: 'filter-to', value: filters.to, onchange: (event) => set('to')(event.target.value) })),
      h('div', {}, h('label', { for: 'filter-search' }, t('filter_search')),
        h('input', { id: 'filter-search', type: 'search', value: filters.search, oninput: (event) => set('search')(event.target.value) })),
      h('div', { class: 'check' }, h('input', { type: 'checkbox', id: 'filter-overdue', checked: filters.overdue, onchange: (event) => set('overdue')(event.target.checked) }),
        h('label', { for: 'filter-overdue' }, t('filter_overdue')))),
    bulkForm,
    count,
    list);
  show();
}

/**
 * The findings of the filters' site and dates as a spreadsheet from the server (every finding of those days,
 * whatever the other filters), in the desk's language. It needs the network, and says so.
 */
function exportButtons() {
  const outcome = h('p', { class: 'hint', role: 'status' });
  const download = async (format) => {
    const query = new URLSearchParams({ format, lang: currentLanguage() });
    if (filters.site) query.set('site_id', filters.site);
    if (filters.from) query.set('from', filters.from);
    if (filters.to) query.set('to', filters.to);
    outcome.textContent = t('export_working');
    try {
      const { blob, filename } = await apiDownload(`/exports/findings?${query}`);
      const link = h('a', { href: URL.createObjectURL(blob), download: filename });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      outcome.textContent = t('export_done', { name: filename });
    } catch (error) {
      outcome.textContent = error instanceof OfflineError ? t('export_offline') : t('export_failed', { message: error.message });
    }
  };
  return h('div', { class: 'export-bar' },
    h('button', { type: 'button', id: 'export-xlsx', onclick: () => download('xlsx') }, t('export_xlsx')),
    h('button', { type: 'button', id: 'export-csv', onclick: () => download('csv') }, t('export_csv')),
    outcome);
}

export async function renderDeskFinding(main, findingId) {
  const [finding, companies, own, places, comments, users] = await Promise.all([db.getRecord(findingId), db.recordsOfType('company'),
    childrenOf(findingId, 'photo'), Promise.all(['site', 'area', 'checkpoint'].map((type) => db.recordsOfType(type))),
    childrenOf(findingId, 'comment'), db.getMeta('users')]);
  if (!finding || finding.deleted) {
    location.hash = '#/desk';
    return;
  }
  const byId = new Map(places.flat().map((record) => [record.id, record]));
  const nameOf = new Map((users || []).map((user) => [user.id, user.name || user.username]));
  const session = await db.getMeta('session');
  const inspection = finding.fields.inspection_id ? await db.getRecord(finding.fields.inspection_id) : null;
  const template = inspection ? await db.getRecord(inspection.fields.template_id) : null;
  const item = template?.fields.items.find((candidate) => candidate.key === finding.fields.item_key);
  const remarks = comments.sort((a, b) => (a.fields.created_at || '').localeCompare(b.fields.created_at || ''));
  const column = (title, roles) => h('section', { class: 'photo-column', 'aria-label': title }, h('h2', {}, title),
    h('div', { class: 'photo-row' }, own.filter((photo) => roles.includes(photo.fields.role))
      .map((photo) => h('figure', {}, photoImage(() => photoBytes(photo.fields.blob, 'full'), `${title}: ${finding.fields.title}`),
        photo.fields.taken_at ? h('figcaption', { class: 'hint' }, evidenceTime(photo.fields.taken_at, photo.fields.received_at)) : null))));
  const status = finding.fields.status;
  const error = h('p', { class: 'error', role: 'alert' });
  const refresh = () => renderDeskFinding(main, findingId);
  // Each action's outcome is said at the top of the redrawn finding, in view, wherever its button was.
  const act = async (fields, outcome) => {
    await editRecord(findingId, fields);
    await refresh();
    announce(main, outcome, main.querySelector('h1'));
  };

  const assignForm = ['open', 'assigned', 'in_progress'].includes(status) ? h('form', { class: 'stack', id: 'assign-form' },
    ...labelledSelect('assign-company', t('assign_to'), [['', '—'], ...companies.filter((c) => !c.deleted).map((c) => [c.id, c.fields.name])],
      finding.fields.company_id || ''),
    h('label', { for: 'assign-due' }, t('due_date')),
    h('input', { type: 'date', id: 'assign-due', value: finding.fields.due_date || '' }),
    h('button', { type: 'submit', class: 'primary', id: 'assign' }, t('assign'))) : null;
  assignForm?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const company = assignForm.querySelector('#assign-company').value;
    const due = assignForm.querySelector('#assign-due').value;
    if (!company || !due) { error.textContent = t('need_company_and_date'); return; }
    const companyName = companies.find((candidate) => candidate.id === company)?.fields.name || '';
    await act(status === 'open' ? { status: 'assigned', company_id: company, due_date: due } : { company_id: company, due_date: due },
      t('assigned_outcome', { company: companyName, date: due }));
  });
  const reason = h('textarea', { id: 'send-back-reason', rows: 2 });

  const checkpoint = byId.get(finding.fields.checkpoint_id);
  replace(main,
    h('a', { href: '#/desk', class: 'back' }, `‹ ${t('nav_desk')}`),
    h('h1', {}, finding.fields.title),
    h('p', {}, statusChip(finding, 'desk-status'),
      ` ${t(`severity_${finding.fields.severity}`)} · ${t(`category_${finding.fields.category}`)}`,
      finding.fields.due_date ? ` · ${t('due', { date: finding.fields.due_date })}` : ''),
    h('p', {}, h('strong', {}, `${t('location')}: `), [localName(byId.get(finding.fields.site_id)?.fields), localName(byId.get(finding.fields.area_id)?.fields),
      checkpoint ? `${localName(checkpoint.fields)} ${checkpoint.fields.code || ''}` : null].filter(Boolean).join(' / ')),
    finding.fields.description ? h('p', {}, finding.fields.description) : null,
    h('p', { class: 'hint' }, [finding.fields.created_by ? t('raised_by_name', { name: nameOf.get(finding.fields.created_by) || '?' }) : null,
      evidenceTime(finding.fields.reported_at, finding.fields.received_at),
      item ? t('from_item', { item: localName(item, 'label', 'labels'), template: localName(template.fields) }) : null].filter(Boolean).join(' · '),
      inspection ? [' ', h('a', { href: `#/review/${inspection.id}` }, t('open_inspection'))] : null),
    finding.fields.fix_note ? h('p', {}, h('strong', {}, `${t('fix_note')}: `), finding.fields.fix_note) : null,
    h('div', { class: 'before-after' }, column(t('before_photos'), ['before', 'evidence']), column(t('after_photos'), ['after'])),
    error,
    // The return visit's verdict: the server records who closed or sent back, when, and this note (status_history).
    status === 'fixed' ? h('div', { class: 'stack' },
      h('label', { for: 'send-back-reason' }, t('visit_note')), reason,
      h('button', { type: 'button', class: 'primary', id: 'close-finding',
                    onclick: () => act({ status: 'closed', status_note: reason.value.trim() || null }, t('closed_outcome')) }, t('close_after_visit')),
      h('button', { type: 'button', id: 'send-back', onclick: async () => {
        if (!reason.value.trim()) { error.textContent = t('need_reason'); return; }
        await act({ status: 'assigned', status_note: reason.value.trim() }, t('sent_back_outcome'));
      } }, t('send_back'))) : null,
    assignForm,
    remarks.length ? [h('h2', {}, t('comments')), h('ul', { class: 'comments', id: 'desk-comments' }, remarks.map((comment) => h('li', {},
      h('p', { class: 'hint' }, `${nameOf.get(comment.fields.author_id) || comment.fields.author_name || t('someone')} · ${evidenceTime(comment.fields.created_at, comment.fields.received_at)}`),
      h('p', {}, comment.fields.body))))] : null,
    historyList(finding, { nameOf, me: session?.user.id }),
    editForm(finding, refresh),
    ['open', 'assigned'].includes(status) ? h('button', { type: 'button', class: 'danger', id: 'cancel-finding',
                                                         onclick: () => act({ status: 'cancelled' }, t('cancelled_outcome')) }, t('cancel_finding')) : null);
}

/** A time a device claims for its evidence, with the server's receipt time beside it where they differ by more than clocks may. */
function evidenceTime(claimed, received) {
  if (!claimed) return received ? formatTime(received) : null;
  if (!received || Math.abs(Date.parse(claimed) - Date.parse(received)) <= CLOCK_TOLERANCE_MS) return formatTime(claimed);
  return `${formatTime(claimed)} (${t('received_by_server', { time: formatTime(received) })})`;
}

/** Title, description, severity and category, folded away until needed. */
function editForm(finding, refresh) {
  const form = h('form', { class: 'stack', id: 'edit-finding' },
    h('label', { for: 'edit-title' }, t('title')),
    h('input', { id: 'edit-title', required: true, maxlength: 500, value: finding.fields.title }),
    h('label', { for: 'edit-description' }, t('description')),
    h('textarea', { id: 'edit-description', rows: 3, value: finding.fields.description || '' }),
    ...labelledSelect('edit-severity', t('severity'), SEVERITIES.map((s) => [s, t(`severity_${s}`)]), finding.fields.severity),
    ...labelledSelect('edit-category', t('filter_category'), CATEGORIES.map((c) => [c, t(`category_${c}`)]), finding.fields.category),
    h('button', { type: 'submit', id: 'save-finding' }, t('save')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = { title: form.querySelector('#edit-title').value.trim(), description: form.querySelector('#edit-description').value.trim() || null,
                     severity: form.querySelector('#edit-severity').value, category: form.querySelector('#edit-category').value };
    if (!values.title) return;
    const changed = Object.fromEntries(Object.entries(values).filter(([name, value]) => (finding.fields[name] ?? null) !== value));
    if (Object.keys(changed).length) await editRecord(finding.id, changed);
    refresh();
  });
  return h('details', { class: 'edit' }, h('summary', {}, t('edit_finding')), form);
}
