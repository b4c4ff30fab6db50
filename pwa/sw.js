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
// Vendored libraries (/vendor/<name>-<version>/) are not shell: the screen that needs one imports it,
// and the worker keeps it then (see fetch). Their folder names carry the version, so a copy kept by an
// older shell cache is still right and moves into the new one, for offline use after an update.
const isVendor = (pathname) => pathname.startsWith('/vendor/');

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL_FILES.map((url) => new Request(url, { cache: 'no-cache' })));
    for (const name of await caches.keys()) {
      if (!name.startsWith(PREFIX) || name === CACHE) continue;
      const old = await caches.open(name);
      for (const request of await old.keys()) {
        if (isVendor(new URL(request.url).pathname)) await cache.put(request, await old.match(request));
      }
    }
  })());
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
  if (isVendor(url.pathname)) {
    event.respondWith(caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(event.request, { ignoreSearch: true });
      if (cached) return cached;
      const response = await fetch(event.request);
      if (response.ok) await cache.put(event.request, response.clone());
      return response;
    }));
    return;
  }
  event.respondWith(caches.match(event.request, { cacheName: CACHE, ignoreSearch: true }).then((cached) => cached || fetch(event.request)));
});
