// The built front ends as a visitor's browser and its caches get them (#17): the brotli or gzip
// copy the build wrote, chosen by Accept-Encoding and marked with Vary; content-hashed files
// cached for a year, the loader for five minutes and then revalidated; unknown names are a plain
// 404 — never the console's page, never a crash.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT, dist, get, LOADER } from '../helpers/assets.js';
import { sqliteFactory } from '../helpers/db.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('built assets: compressed, cached, and nothing else', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(sqliteFactory, { staticDir: dist() });
  });
  afterAll(async () => server.close());

  it('a browser that accepts brotli gets the brotli copy, marked as varying by Accept-Encoding', async () => {
    const res = await get(`${server.url}/chat-Ab12_-yZ.js`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(CHAT.length / 10);
    expect(brotliDecompressSync(res.body).toString()).toBe(CHAT);
    // Loaded as a module script by other sites' pages.
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('gzip when brotli is not accepted (or refused with q=0), the plain file when neither is', async () => {
    const gz = await get(`${server.url}/chat-Ab12_-yZ.js`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(CHAT);
    expect((await get(`${server.url}/chat-Ab12_-yZ.js`, { 'accept-encoding': 'br;q=0, gzip;q=0.8' })).headers['content-encoding']).toBe('gzip');
    for (const accept of [undefined, 'identity', 'br;q=0, gzip;q=0']) {
      const plain = await get(`${server.url}/chat-Ab12_-yZ.js`, accept ? { 'accept-encoding': accept } : {});
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toBe('Accept-Encoding'); // a cache must not hand this to a brotli client, nor the reverse
      expect(plain.body.toString()).toBe(CHAT);
    }
  });

  it('content-hashed files are immutable for a year; the loader is cached for five minutes, then revalidated', async () => {
    for (const path of ['/chat-Ab12_-yZ.js', '/console/assets/index-Qw3rTy89.js']) {
      expect((await get(`${server.url}${path}`, { 'accept-encoding': 'br' })).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    const loader = await get(`${server.url}/widget.js`, { 'accept-encoding': 'br' });
    expect(loader.headers['cache-control']).toBe('public, max-age=300');
    expect(brotliDecompressSync(loader.body).toString()).toBe(LOADER);
    const etag = String(loader.headers.etag);
    const again = await get(`${server.url}/widget.js`, { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // Each encoding is its own representation: the brotli validator does not match the gzip copy.
    expect((await get(`${server.url}/widget.js`, { 'accept-encoding': 'gzip', 'if-none-match': etag })).status).toBe(200);
    // Pages are always revalidated.
    expect((await get(`${server.url}/console/queue`)).headers['cache-control']).toBe('no-cache');
  });

  it('HEAD answers the headers alone', async () => {
    const res = await get(`${server.url}/widget.js`, { 'accept-encoding': 'br' }, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
    expect(res.body.length).toBe(0);
  });

  it('an unknown hashed name, a compressed copy by name, an escape from the folder or a broken escape: a plain 404, and the server goes on', async () => {
    for (const path of [
      '/chat-Zz99zz99.js',
      '/console/assets/index-Nothere1.js',
      '/widget.js.br',
      '/widget.js.gz',
      '/../package.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2fetc%2fpasswd',
      '/%E0%A4%A.js',
      '/console/assets/%00.js',
    ]) {
      const res = await get(`${server.url}${path}`, { 'accept-encoding': 'br' });
      expect(res.status, path).toBe(404);
      expect(res.body.toString(), path).not.toMatch(/root:|"name"|Console/);
      // A file name never gets a page of HTML where a script was expected.
      if (/\.\w+$/.test(path)) expect(res.headers['content-type'], path).toMatch(/^text\/plain/);
    }
    // The console's own routes still get its page.
    const page = await get(`${server.url}/console/queue`);
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<title>Console</title>');
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
  });
});
