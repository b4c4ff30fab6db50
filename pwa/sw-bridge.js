/**
 * The page's side of the service worker: register it, notice a waiting new
 * version, and switch to it only when asked (never under an open form).
 */

let waiting = null;
const listeners = new Set();

export function onUpdateReady(listener) {
  listeners.add(listener);
  if (waiting) listener();
}

function announce(worker) {
  waiting = worker;
  for (const listener of listeners) listener();
}

export async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return null;
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  const watch = (worker) => worker.addEventListener('statechange', () => {
    if (worker.state === 'installed' && navigator.serviceWorker.controller) announce(worker);
  });
  if (registration.waiting && navigator.serviceWorker.controller) announce(registration.waiting);
  if (registration.installing) watch(registration.installing);
  registration.addEventListener('updatefound', () => watch(registration.installing));
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading || !waiting) return;
    reloading = true;
    location.reload();
  });
  return registration;
}

/** Look for a new version now (the browser also does on navigation). */
export async function checkForUpdate() {
  const registration = await navigator.serviceWorker?.getRegistration();
  await registration?.update().catch(() => {});
}

/** Switch to the waiting version; the page reloads when it takes over. */
export function applyUpdate() {
  waiting?.postMessage({ type: 'skip-waiting' });
}

