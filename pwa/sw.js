/**
 * The service worker: keeps the app shell in a versioned cache so the app
 * starts with no network. It never touches the API: data lives in IndexedDB
 * and sync goes through the page. A new version installs beside the old one
 * and waits until the page says the moment is safe (the user taps "Update").
 *
 * VERSION and SHELL_FILES are filled in by the server when it serves this file.
 */

const VERSION = "__VERSION__";
const SHELL_FILES = "__SHELL_FILES__";
const PREFIX = 'estate-patrol-shell-';
const CACHE = PREFIX + VERSION;

// 'no-cache' asks the server about every file (If-None-Match), so a changed file always comes anew,
// while a file the page has just loaded comes back as a bodiless 304 instead of a second download.
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL_FILES.map((url) => new Request(url, { cache: 'no-cache' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'skip-waiting') self.skipWaiting();
  if (event.data?.type === 'version') event.ports[0]?.postMessage(VERSION);
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  // Guard: the API and other origins go straight to the network, never through a cache.
  if (event.request.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  if (event.request.mode === 'navigate') {
    event.respondWith(caches.match('/', { cacheName: CACHE }).then((cached) => cached || fetch(event.request)));
    return;
  }
  event.respondWith(caches.match(event.request, { cacheName: CACHE, ignoreSearch: true }).then((cached) => cached || fetch(event.request)));
});
