/**
 * Read one QR code with the camera: the one scanner every screen calls
 * (checkpoints, rounds). The browser's BarcodeDetector where it has one;
 * elsewhere (iOS Safari, desktop Chromium) the vendored jsQR decoder, fetched
 * by import() on the first scan only, so it never weighs on the shell; the
 * service worker keeps it once fetched, for scanning offline.
 */

import { t } from '../../i18n.js';
import { h, replace } from '../../dom.js';

const DECODER = '../../vendor/jsqr-es6-1.2.0/jsQR.min.js';
const FRAME_PAUSE_MS = 200;

/** Whether this device has a camera API at all; without one, the code is typed. */
export function canScan() {
  return Boolean(navigator.mediaDevices?.getUserMedia);
}

let decoder = null; // the decoder module, imported once; a failed import (offline) is tried again next time
let prepared = false;

function loadDecoder() {
  decoder ??= import(DECODER).catch((error) => { decoder = null; throw error; });
  return decoder;
}

/**
 * On a phone that will need the decoder, load it ahead of the first scan while
 * there is signal (the rounds home calls this): the service worker keeps it,
 * so a first scan in a basement without signal still reads the label.
 */
export function prepareScanner() {
  if (prepared || !canScan() || 'BarcodeDetector' in window) return;
  prepared = true;
  const load = () => loadDecoder().catch(() => { prepared = false; });
  // Only a request the worker sees is kept: on the very first load, wait until it takes the page over.
  if (!navigator.serviceWorker || navigator.serviceWorker.controller) load();
  else navigator.serviceWorker.addEventListener('controllerchange', load, { once: true });
}

/** A function frame → text|null over the video, from the platform or the decoder. */
async function makeReader() {
  if ('BarcodeDetector' in window) {
    const detector = new BarcodeDetector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video).catch(() => []))[0]?.rawValue ?? null;
  }
  const { default: jsQR } = await loadDecoder();
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    if (!video.videoWidth) return null;
    // A downscaled frame decodes in a few milliseconds and still resolves a label a hand's length away.
    const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
  };
}

/**
 * Show the camera in `container` until a QR code is read or the user stops.
 * Resolves to the code's text (trimmed), or null when stopped or when there is
 * no camera (ask canScan() first to say why). The container is emptied after.
 */
export async function scanCode(container) {
  if (!canScan()) return null;
  let stream;
  try {
    const [reader, camera] = await Promise.all([makeReader(), navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } })]);
    stream = camera;
    const video = h('video', { playsInline: true, muted: true, class: 'scan-video' });
    video.srcObject = stream;
    let stopped = false;
    replace(container, video, h('button', { type: 'button', class: 'scan-stop', onclick: () => { stopped = true; } }, t('scan_stop')));
    await video.play();
    while (!stopped) {
      const code = await reader(video);
      if (code?.trim()) return code.trim();
      await new Promise((resolve) => setTimeout(resolve, FRAME_PAUSE_MS));
    }
    return null;
  } catch {
    // Camera refused or absent: the caller offers typing the code instead.
    return null;
  } finally {
    stream?.getTracks().forEach((track) => track.stop());
    container.replaceChildren();
  }
}
