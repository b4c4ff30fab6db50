/**
 * English and Simplified Chinese, both complete; chosen from the browser, switchable.
 * The strings are JSON catalogs, i18n/<language>.json, with the same keys and
 * the same {placeholders} (tests/unit/test_i18n_catalogs.py checks). They are
 * fetched once, as this module loads, so t() stays synchronous for the views;
 * the service worker keeps them with the shell, so this works offline too.
 * Record names come from their `names` / `labels` translations when present.
 *
 * A text that counts something is an object of plural forms, keyed by the
 * categories of Intl.PluralRules for its language (English "one" and "other",
 * Chinese only "other"), chosen by its `count` parameter.
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

const pluralRules = new Map();

/** The plural form of `forms` for `count` in `code` (a missing form falls back to "other"). */
function pluralForm(forms, count, code) {
  if (!pluralRules.has(code)) pluralRules.set(code, new Intl.PluralRules(code === 'zh' ? 'zh-CN' : code));
  return forms[pluralRules.get(code).select(Number(count) || 0)] ?? forms.other;
}

/** The text for `key` in the current language, with {placeholders} filled in; plural forms are picked by `params.count`. */
export function t(key, params = {}) {
  const found = key in STRINGS[language] ? [STRINGS[language][key], language] : key in STRINGS.en ? [STRINGS.en[key], 'en'] : [key, 'en'];
  const text = typeof found[0] === 'object' ? pluralForm(found[0], params.count, found[1]) : found[0];
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

/** A record's or item's name in the current language, from its translations if it has them. */
export function localName(fields, base = 'name', translations = 'names') {
  return (language !== 'en' && fields?.[translations]?.[language]) || fields?.[base] || '';
}

/** The locale dates and times are written in, for Intl and toLocale…String. */
export const locale = () => (language === 'zh' ? 'zh-CN' : 'en-GB');

export function formatTime(iso) {
  return new Date(iso).toLocaleString(locale(), { dateStyle: 'short', timeStyle: 'short' });
}

/** Keys that English has and Chinese lacks; the tests expect none. */
export function missingTranslations() {
  const missing = Object.keys(STRINGS.en).filter((key) => !(key in STRINGS.zh));
  return missing;
}
