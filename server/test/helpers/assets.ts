// A dist folder as widget/build.ts writes it, and a raw GET that shows what was sent.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

export const LOADER = `(()=>{${'/* the loader */'.repeat(40)}})();`;
export const CHAT = `export function mount(){${'/* the chat */'.repeat(400)}}`;

/** A dist folder as widget/build.ts writes it: each text file with its .br and .gz beside it. */
export function dist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-assets-'));
  const files: Record<string, string> = {
    'widget.js': LOADER,
    'chat-Ab12_-yZ.js': CHAT,
    'index.html': '<!doctype html><title>Demo</title>',
    'console/index.html': '<!doctype html><title>Console</title><script type="module" src="/console/assets/index-Qw3rTy89.js"></script>',
    'console/assets/index-Qw3rTy89.js': 'console.log("console")',
  };
  for (const [name, text] of Object.entries(files)) {
    const file = join(dir, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    writeFileSync(`${file}.br`, brotliCompressSync(text));
    writeFileSync(`${file}.gz`, gzipSync(text));
  }
  return dir;
}

/** A raw GET (node's fetch would decode the body and hide what was sent). */
export function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
