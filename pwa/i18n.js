/**
 * English and Simplified Chinese, both complete; chosen from the browser, switchable.
 * The strings are JSON catalogs, i18n/<language>.json, with the same keys and
 * the same {placeholders} (tests/unit/test_i18n_catalogs.py checks). They are
 * fetched once, as this module loads, so t() stays synchronous for the views;
 * the service worker keeps them with the shell, so this works offline too.
 * Record names come from their `names` / `labels` translations when present.
 */

export const LANGUAGES = { en: { short: 'EN', name: 'English' }, zh: { short: '中文', name: '简体中文' } };
const STRINGS = await loadCatalogs();
let language = chooseLanguage();

/** Every language's catalog; one that cannot be read is logged and left empty, so the app still starts (t() falls back to English, then to the key). */
async function loadCatalogs() {
  const load = async (code) => {
    try {
      const response = await fetch(new URL(`./i18n/${code}.json`, import.meta.url));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return [code, await response.json()];
    } catch (error) {
      console.error(`catalog ${code}`, error);
      return [code, {}];
    }
  };
  return Object.fromEntries(await Promise.all(Object.keys(LANGUAGES).map(load)));
}

function chooseLanguage() {
  const saved = localStorage.getItem('estate-patrol-language');
  if (saved && STRINGS[saved]) return saved;
  return (navigator.languages || [navigator.language]).some((tag) => tag?.toLowerCase().startsWith('zh')) ? 'zh' : 'en';
}

export const currentLanguage = () => language;

export function setLanguage(code) {
  language = STRINGS[code] ? code : 'en';
  localStorage.setItem('estate-patrol-language', language);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}

/** The text for `key` in the current language, with {placeholders} filled in. */
export function t(key, params = {}) {
  const text = STRINGS[language][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

/** A record's or item's name in the current language, from its translations if it has them. */
export function localName(fields, base = 'name', translations = 'names') {
  return (language !== 'en' && fields?.[translations]?.[language]) || fields?.[base] || '';
}

export function formatTime(iso) {
  return new Date(iso).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
}

/** Keys that English has and Chinese lacks; the tests expect none. */
export function missingTranslations() {
  const missing = Object.keys(STRINGS.en).filter((key) => !(key in STRINGS.zh));
  return missing;
}
