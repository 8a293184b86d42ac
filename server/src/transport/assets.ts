// The built front ends (widget/dist): every file is read once at start, with the brotli and gzip
// copies the build wrote beside it (`x.js.br`, `x.js.gz`), and served by Accept-Encoding. Only
// files found at start are served: an unknown name is a plain 404, and a path cannot leave the
// directory because nothing is looked up on disk per request.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { Request, Response } from 'express';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.json', '.map', '.svg', '.txt']);

/** A name Vite gave a content hash (8 characters before the extension): it never changes meaning. */
export const HASHED = /-[A-Za-z0-9_-]{8}\.(js|css|svg|png|woff2)$/;
/** The loader keeps its name in every site's script tag, so it is cached briefly and then revalidated. */
const LOADER = '/widget.js';

export const CACHE = {
  immutable: 'public, max-age=31536000, immutable',
  loader: 'public, max-age=300',
  revalidate: 'no-cache',
};

type Encoding = 'br' | 'gzip';
interface Asset {
  type: string;
  cache: string;
  etag: string;
  identity: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  compressible: boolean;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

function scan(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return assets;
  for (const file of walk(dir)) {
    const ext = extname(file);
    if (ext === '.br' || ext === '.gz' || !TYPES[ext]) continue;
    const url = `/${relative(dir, file).split(sep).join('/')}`;
    const identity = readFileSync(file);
    const variant = (suffix: string) => (existsSync(file + suffix) ? readFileSync(file + suffix) : undefined);
    const br = variant('.br');
    const gzip = variant('.gz');
    assets.set(url, {
      type: TYPES[ext]!,
      cache: HASHED.test(url) ? CACHE.immutable : url === LOADER ? CACHE.loader : CACHE.revalidate,
      etag: createHash('sha256').update(identity).digest('base64url').slice(0, 22),
      identity,
      ...(br ? { br } : {}),
      ...(gzip ? { gzip } : {}),
      compressible: COMPRESSIBLE.has(ext),
    });
  }
  return assets;
}

/** The encodings the client accepts, by its q-values (`*` stands for any not named); identity is always acceptable. */
export function acceptedEncodings(header: string | undefined): Set<Encoding> {
  const q = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name === 'x-gzip' ? 'gzip' : name, Number.isFinite(value) ? value : 0);
  }
  const ok = (name: Encoding) => (q.get(name) ?? q.get('*') ?? 0) > 0;
  return new Set((['br', 'gzip'] as const).filter(ok));
}

export interface Assets {
  /** Serves the file at `url` (a path inside the directory); false when there is none. */
  send(req: Request, res: Response, url: string): boolean;
  has(url: string): boolean;
}

export function loadAssets(dir: string): Assets {
  const assets = scan(dir);
  return {
    has: (url) => assets.has(url),
    send(req, res, url) {
      const asset = assets.get(url);
      if (!asset) return false;
      const accepted = acceptedEncodings(req.headers['accept-encoding']);
      const encoding: Encoding | null = asset.br && accepted.has('br') ? 'br' : asset.gzip && accepted.has('gzip') ? 'gzip' : null;
      const body = encoding ? asset[encoding]! : asset.identity;
      // Each encoding is a different representation, so it has its own validator.
      const etag = `"${asset.etag}${encoding ? `-${encoding}` : ''}"`;
      res.setHeader('Content-Type', asset.type);
      res.setHeader('Cache-Control', asset.cache);
      res.setHeader('ETag', etag);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // Caches (the browser's, a CDN's, a proxy's) must keep one copy per encoding.
      if (asset.compressible) res.setHeader('Vary', 'Accept-Encoding');
      // The loader and the chat are loaded by other sites' pages (module scripts need CORS).
      if (url.endsWith('.js') || url.endsWith('.css')) res.setHeader('Access-Control-Allow-Origin', '*');
      const match = (req.headers['if-none-match'] ?? '').split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
      if (match) {
        res.status(304).end();
        return true;
      }
      if (encoding) res.setHeader('Content-Encoding', encoding);
      res.setHeader('Content-Length', String(body.length));
      res.status(200);
      if (req.method === 'HEAD') res.end();
      else res.end(body);
      return true;
    },
  };
}
