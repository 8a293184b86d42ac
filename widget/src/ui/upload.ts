// One file upload with progress (XMLHttpRequest: fetch cannot report upload progress). Used by
// the widget (visitor token) and the console (session cookie).
import type { Message } from '@baton/shared';

export type UploadResult = { ok: true; message: Message } | { ok: false; message: string };

let counter = 0;

export function uploadFile(url: string, file: File, headers: Record<string, string>, onProgress: (fraction: number) => void): Promise<UploadResult> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [k, v] of Object.entries({ ...headers, 'x-file-name': encodeURIComponent(file.name || 'pasted-image'), 'x-client-id': `f_${Date.now().toString(36)}_${(counter++).toString(36)}` })) {
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
    xhr.onerror = () => resolve({ ok: false, message: 'No connection. Please try again.' });
    xhr.send(file);
  });
}

/** Files from a paste or a drop (images pasted from the clipboard included). */
export function filesFrom(list: DataTransfer | null | undefined): File[] {
  return list ? [...list.files].slice(0, 5) : [];
}
