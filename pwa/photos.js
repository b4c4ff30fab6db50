/**
 * Photos as the phone keeps them: upright, at most 1600 px a side, JPEG, named by SHA-256.
 *
 * Downscaling on the phone keeps uploads small on a weak signal; the bytes
 * are hashed here because the server stores each photo once under its hash.
 */

export const MAX_SIDE = 1600;
const QUALITY = 0.85;

export async function preparePhoto(file) {
  // createImageBitmap applies the EXIF orientation, so the result is upright.
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const bytes = await canvas.convertToBlob({ type: 'image/jpeg', quality: QUALITY });
  const sha256 = await hashBytes(bytes);
  return { sha256, bytes, type: 'image/jpeg', size: bytes.size, width, height, uploaded: false };
}

export async function hashBytes(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
