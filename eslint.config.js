/**
 * ESLint over the PWA (browser modules, and the service worker as the classic
 * script it is registered as) and the Lighthouse scripts (Node): the
 * recommended rules, with one idiom allowed. ESLint and these packages live in
 * tools/eslint/, pinned by its package-lock.json and installed there by
 * scripts/test.sh, so the repository root needs no package.json:
 *
 *   npm ci --prefix tools/eslint && tools/eslint/node_modules/.bin/eslint .
 */

import { createRequire } from 'node:module';

const require = createRequire(new URL('./tools/eslint/', import.meta.url));
const js = require('@eslint/js');
const globals = require('globals');

// The PWA's boundaries, checked: only db.js opens IndexedDB, only sw.js touches
// caches, only sync.js talks to the API (i18n.js fetches its own catalogs and
// the worker the shell), and the modules that hold data, changes and routes
// never touch the page.
const BOUNDARY = {
  indexedDB: 'Only db.js opens IndexedDB.',
  caches: 'Only sw.js touches caches.',
  fetch: 'Only sync.js talks to the API.',
  document: 'Only screens (features/*/ views, dom.js, app.js) touch the DOM.',
};
const forbid = (...names) => ({ rules: { 'no-restricted-globals': ['error', ...names.map((name) => ({ name, message: BOUNDARY[name] }))] } });
const NOT_SCREENS = ['pwa/db.js', 'pwa/query.js', 'pwa/records.js', 'pwa/photos.js', 'pwa/sw-bridge.js', 'pwa/features/*/changes.js', 'pwa/features/*/routes.js'];

export default [
  // Vendored third-party code is linted upstream, not here.
  { ignores: ['.venv/', 'instance/', 'build/', 'pwa/vendor/'] },
  js.configs.recommended,
  // `const { seq, ...mutation } = entry` is how we leave a field out of a copy: not an unused variable.
  { rules: { 'no-unused-vars': ['error', { ignoreRestSiblings: true }] } },
  {
    files: ['pwa/**/*.js'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: globals.browser },
  },
  {
    files: ['pwa/sw.js'],
    languageOptions: { sourceType: 'script', globals: globals.serviceworker },
  },
  // Later entries override earlier ones for their files.
  { files: ['pwa/**/*.js'], ...forbid('indexedDB', 'caches', 'fetch') },
  { files: NOT_SCREENS, ...forbid('indexedDB', 'caches', 'fetch', 'document') },
  { files: ['pwa/db.js'], ...forbid('caches', 'fetch', 'document') },
  { files: ['pwa/sync.js', 'pwa/i18n.js'], ...forbid('indexedDB', 'caches') },
  { files: ['pwa/sw.js'], ...forbid('indexedDB', 'document') },
  {
    files: ['bench/lighthouse/*.mjs', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: globals.node },
  },
];
