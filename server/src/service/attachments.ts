// Safe attachments: the type is decided by the content (magic bytes), never by the name or the
// claimed MIME type; only images and PDFs are accepted; images are re-encoded (which drops EXIF
// and GPS data and anything appended to the file) and get a thumbnail. Served only through
// short-lived signed URLs, with headers that keep a file from ever running as a page.
import { createHmac } from 'node:crypto';
import { BatonError } from '@baton/shared';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { sameSignature } from '../auth/tokens.js';

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const URL_TTL_MS = 15 * 60 * 1000;
const IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const ALLOWED = new Set([...IMAGES, 'application/pdf']);
/**
 * Decoding work an upload may ask for, every frame together: a 1 KB GIF with a large canvas and a
 * few one-pixel frames decodes to 45 Mpx (2 s of CPU). 24 Mpx is a 6000 × 4000 photo.
 */
export const MAX_DECODE_PIXELS = 24_000_000;
export const MAX_FRAMES = 300;
const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'application/pdf': 'pdf' };

export interface InspectedFile {
  name: string;
  type: string;
  data: Buffer;
  thumb: Buffer | null;
  width: number | null;
  height: number | null;
}

/** A display name that cannot smuggle paths, control characters or a misleading extension. */
export function safeName(claimed: string, type: string): string {
  const base = (claimed.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"<>]/g, '').trim().slice(0, 120);
  const stem = base.replace(/\.[^.]*$/, '') || 'file';
  return `${stem}.${EXT[type] ?? 'bin'}`;
}

/**
 * `charge` is told what decoding an image will cost (pixels over all frames) before any is done,
 * and may refuse it (the visitor's pace by cost).
 */
export async function inspect(buffer: Buffer, claimedName: string, maxBytes = DEFAULT_MAX_BYTES, charge?: (pixels: number) => Promise<void>): Promise<InspectedFile> {
  if (buffer.length === 0) throw new BatonError('bad_request', 'The file is empty.');
  if (buffer.length > maxBytes) throw new BatonError('payload_too_large', `Files can be at most ${Math.round(maxBytes / 1024 / 1024)} MB.`);
  const detected = await fileTypeFromBuffer(buffer);
  if (!detected || !ALLOWED.has(detected.mime)) {
    throw new BatonError('bad_request', 'This kind of file cannot be sent here. Images (PNG, JPEG, GIF, WebP) and PDFs can.');
  }
  const type = detected.mime;
  const name = safeName(claimedName, type);
  if (!IMAGES.has(type)) return { name, type, data: buffer, thumb: null, width: null, height: null };
  const animated = type === 'image/gif' || type === 'image/webp';
  // The header says what decoding would cost, before any is done.
  const meta = await sharp(buffer, { animated }).metadata().catch(() => null);
  if (!meta?.width || !meta.height) throw new BatonError('bad_request', 'This image could not be read.');
  const frames = meta.pages ?? 1;
  // A GIF's frames may be drawn on a larger canvas (its logical screen), which a decoder may fill for every frame.
  const canvas = type === 'image/gif' ? { width: buffer.readUInt16LE(6), height: buffer.readUInt16LE(8) } : { width: 0, height: 0 };
  const pixels = Math.max(meta.width, canvas.width) * Math.max(meta.pageHeight ?? meta.height, canvas.height) * frames;
  if (frames > MAX_FRAMES || pixels > MAX_DECODE_PIXELS) {
    throw new BatonError('bad_request', `This image is too large to send (${Math.round(pixels / 1e6)} million pixels${frames > 1 ? ` in ${frames} frames` : ''}; at most ${MAX_DECODE_PIXELS / 1e6} million).`);
  }
  await charge?.(pixels);
  try {
    // Re-encoding keeps the pixels and nothing else: no metadata, no trailing bytes.
    const image = sharp(buffer, { animated, limitInputPixels: 50_000_000 }).rotate();
    const format = EXT[type] === 'jpg' ? 'jpeg' : (EXT[type] as 'png' | 'gif' | 'webp');
    const { data, info } = await image.toFormat(format).toBuffer({ resolveWithObject: true });
    const thumb = await sharp(data, { animated: false }).resize(320, 320, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }).toBuffer();
    return { name, type, data, thumb, width: info.width, height: info.pageHeight ?? info.height };
  } catch {
    throw new BatonError('bad_request', 'This image could not be read.');
  }
}

export function signAttachment(secret: string, id: string, variant: 'full' | 'thumb', exp: number): string {
  return createHmac('sha256', secret).update(`attachment|${id}|${variant}|${exp}`).digest('base64url');
}

export function attachmentPath(secret: string, id: string, variant: 'full' | 'thumb', now: Date): string {
  const exp = now.getTime() + URL_TTL_MS;
  return `/api/attachments/${encodeURIComponent(id)}?v=${variant}&exp=${exp}&sig=${signAttachment(secret, id, variant, exp)}`;
}

export function verifyAttachment(secret: string, id: string, variant: string, exp: number, sig: string, now: Date): boolean {
  if ((variant !== 'full' && variant !== 'thumb') || !Number.isFinite(exp) || exp < now.getTime()) return false;
  return sameSignature(signAttachment(secret, id, variant, exp), sig);
}

export const isImage = (type: string) => IMAGES.has(type);
