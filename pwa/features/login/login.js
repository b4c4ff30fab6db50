/** Log in once per device; after that the phone works without a network. */

import { LANGUAGES, currentLanguage, setLanguage, t } from '../../i18n.js';
import { login, LoginRefused } from '../../sync.js';
import { h, replace } from '../../dom.js';

function defaultDeviceName() {
  const platform = navigator.userAgentData?.platform || navigator.platform || 'phone';
  return `${platform} ${new Date().toISOString().slice(0, 10)}`;
}

// The server's codes (server/errors.py) in the user's language; its English message only for a code not known here.
const REFUSALS = { bad_credentials: 'login_bad_credentials', too_many_requests: 'login_too_many', other_user_waiting: 'login_other_user_waiting' };

function refusalText(problem) {
  if (!(problem instanceof LoginRefused)) return t('login_failed', { message: problem.message });
  return REFUSALS[problem.code] ? t(REFUSALS[problem.code], problem.details) : t('login_failed', { message: problem.message });
}

export function renderLogin(main, { onLoggedIn, onLanguage, username = '' }) {
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'stack', novalidate: true },
    h('label', { for: 'username' }, t('username')),
    h('input', { id: 'username', name: 'username', value: username, autocomplete: 'username', required: true, autocapitalize: 'none' }),
    h('label', { for: 'password' }, t('password')),
    h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('label', { for: 'device-name' }, t('device_name')),
    h('input', { id: 'device-name', name: 'device_name', value: defaultDeviceName(), required: true }),
    h('button', { type: 'submit', class: 'primary' }, t('log_in')),
    error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    if (!navigator.onLine) {
      error.textContent = t('login_offline');
      return;
    }
    const button = form.querySelector('button');
    button.disabled = true;
    button.textContent = t('logging_in');
    try {
      const user = await login(data.get('username').trim(), data.get('password'), data.get('device_name').trim());
      onLoggedIn(user);
    } catch (problem) {
      error.textContent = problem instanceof TypeError ? t('login_offline') : refusalText(problem);
      button.disabled = false;
      button.textContent = t('log_in');
    }
  });
  replace(main,
    h('h1', {}, t('login_title')),
    form,
    languageSwitch(onLanguage));
}

export function languageSwitch(onLanguage) {
  return h('div', { class: 'language', role: 'group', 'aria-label': t('language') },
    Object.entries(LANGUAGES).map(([code, { short, name }]) => h('button', {
      type: 'button', lang: code === 'zh' ? 'zh-CN' : 'en', 'aria-pressed': String(currentLanguage() === code), 'aria-label': name,
      onclick: () => { setLanguage(code); onLanguage(); },
    }, short)));
}
