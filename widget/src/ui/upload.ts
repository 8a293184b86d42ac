// One file upload with progress (XMLHttpRequest: fetch cannot report upload progress). Used by
// the widget (visitor token) and the console (session cookie).
import type { Message } from '@baton/shared';

export type UploadResult = { ok: true; message: Message } | { ok: false; message: string };

let counter = 0;
// One client id per file for all its attempts: a retry after a lost response is recognised by the
// server as the same upload and stored once.
const clientIds = new WeakMap<File, string>();
export function clientIdFor(file: File): string {
  let id = clientIds.get(file);
  if (!id) {
    id = `f_${Date.now().toString(36)}_${(counter++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    clientIds.set(file, id);
  }
  return id;
}

/** Network failures are retried on their own this many times (1 s, then 2 s apart). */
const NETWORK_RETRIES = 2;

function attempt(url: string, file: File, headers: Record<string, string>, onProgress: (fraction: number) => void): Promise<UploadResult | 'network'> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [k, v] of Object.entries({ ...headers, 'x-file-name': encodeURIComponent(file.name || 'pasted-image'), 'x-client-id': clientIdFor(file) })) {
      xhr.setRequestHeader(k, v);
    }
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      try {
        const body = JSON.parse(xhr.responseText) as { ok: boolean; message?: Message; error?: { message: string } };
        resolve(body.ok && body.message ? { ok: true, message: body.message } : { ok: false, message: body.error?.message ?? 'The file could not be sent.' });
      } catch {
        resolve({ ok: false, message: xhr.status === 413 ? 'This file is too large.' : 'The file could not be sent.' });
      }
    };
    xhr.onerror = () => resolve('network');
    xhr.send(file);
  });
}

export async function uploadFile(url: string, file: File, headers: Record<string, string>, onProgress: (fraction: number) => void): Promise<UploadResult> {
  for (let i = 0; ; i++) {
    const result = await attempt(url, file, headers, onProgress);
    if (result !== 'network') return result;
    if (i >= NETWORK_RETRIES) return { ok: false, message: 'No connection. Please try again.' };
    await new Promise((r) => setTimeout(r, 1000 * 2 ** i));
  }
}

/** Files from a paste or a drop (images pasted from the clipboard included). */
export function filesFrom(list: DataTransfer | null | undefined): File[] {
  return list ? [...list.files].slice(0, 5) : [];
}
