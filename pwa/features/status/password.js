/** A user changes their own password, giving the current one; it needs a connection, and signs the user's other devices out. */

import { t } from '../../i18n.js';
import { changePassword } from '../../sync.js';
import { announce, h, replace } from '../../dom.js';

const MIN_LENGTH = 10; // as the server's PasswordChangeSchema

// The server's codes (server/errors.py) in the user's language; its English message only for a code not known here.
const REFUSALS = { wrong_password: 'password_wrong', too_many_requests: 'login_too_many', invalid: 'password_refused' };

export function renderPasswordForm(main) {
  const error = h('p', { class: 'error', role: 'alert', id: 'password-error' });
  const field = (id, label, autocomplete) => [
    h('label', { for: id }, label),
    h('input', { id, name: id, type: 'password', autocomplete, required: true, 'aria-describedby': 'password-error' }),
  ];
  const form = h('form', { class: 'stack', novalidate: true },
    ...field('current-password', t('password_current'), 'current-password'),
    ...field('new-password', t('password_new', { count: MIN_LENGTH }), 'new-password'),
    ...field('repeat-password', t('password_repeat'), 'new-password'),
    h('button', { type: 'submit', class: 'primary' }, t('password_save')),
    error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const [current, next, repeated] = ['current-password', 'new-password', 'repeat-password'].map((name) => data.get(name));
    if (next.length < MIN_LENGTH) return void (error.textContent = t('password_too_short', { count: MIN_LENGTH }));
    if (next !== repeated) return void (error.textContent = t('password_mismatch'));
    if (!navigator.onLine) return void (error.textContent = t('password_offline'));
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const answer = await changePassword(current, next);
      if (answer.ok) {
        form.reset();
        error.textContent = '';
        announce(main, t('password_changed', { count: answer.signed_out_devices }));
      } else {
        error.textContent = REFUSALS[answer.code] ? t(REFUSALS[answer.code]) : t('password_failed', { message: answer.message });
      }
    } catch (problem) {
      error.textContent = problem instanceof TypeError ? t('password_offline') : t('password_failed', { message: problem.message });
    } finally {
      button.disabled = false;
    }
  });
  replace(main, h('h1', {}, t('password_title')), form, h('p', {}, h('a', { href: '#/sync' }, t('back'))));
}
