/**
 * Whether the browser keeps this device's stored work (persistent storage).
 * The app asks once (navigator.storage.persist()), says the answer once, and
 * remembers it in localStorage so no banner comes back at every start; the
 * Sync screen always shows the state and can ask again.
 */

const REMEMBERED = 'estate-patrol-storage';

const supported = () => Boolean(navigator.storage?.persist && navigator.storage?.persisted);

function remembered() {
  try {
    return JSON.parse(localStorage.getItem(REMEMBERED) || 'null');
  } catch {
    return null;
  }
}

function remember(persisted) {
  localStorage.setItem(REMEMBERED, JSON.stringify({ persisted, at: new Date().toISOString() }));
}

/**
 * The state at start: 'persisted', 'not_persisted' or 'unsupported', and
 * whether it is news (never said, or the browser changed its answer), so the
 * caller says it once.
 */
export async function checkPersistence() {
  if (!supported()) return { state: 'unsupported', news: false };
  const before = remembered();
  let persisted = await navigator.storage.persisted();
  if (!persisted && !before) persisted = await navigator.storage.persist(); // the one unprompted ask
  const news = !before || before.persisted !== persisted;
  if (news) remember(persisted);
  return { state: persisted ? 'persisted' : 'not_persisted', news };
}

/** The state as last known, without asking the browser anything. */
export function knownPersistence() {
  if (!supported()) return 'unsupported';
  const answer = remembered();
  if (!answer) return 'unknown';
  return answer.persisted ? 'persisted' : 'not_persisted';
}

/** Ask again, from the Sync screen's button; the answer is remembered. */
export async function askPersistence() {
  if (!supported()) return 'unsupported';
  const persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  remember(persisted);
  return persisted ? 'persisted' : 'not_persisted';
}
