// Attachments over real HTTP and sockets on SQLite and Postgres, with a hostile corpus: the type
// comes from the content, images lose their metadata and anything appended, and files are served
// inert through short-lived signed links only.
import { request as httpRequest } from 'node:http';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteFactory, storeFactories } from '../helpers/db.js';
import { agent, request, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

const png = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366ff' } }).png().toBuffer();
const jpegWithGps = () =>
  sharp({ create: { width: 40, height: 30, channels: 3, background: '#ff6633' } })
    .jpeg()
    .withExif({ IFD0: { Copyright: 'Secret Owner', Artist: 'Zelda' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 8/1 0/1' } })
    .toBuffer();
/**
 * A GIF of a few bytes that asks for a lot of decoding: a `width` × `height` canvas and `frames`
 * frames of one pixel each (every frame is decoded to the whole canvas).
 */
function canvasBomb(width: number, height: number, frames: number): Buffer {
  const u16 = (n: number) => [n & 255, n >> 8];
  const header = [...Buffer.from('GIF89a'), ...u16(width), ...u16(height), 0x80, 0, 0, 0, 0, 0, 255, 255, 255];
  // One pixel, colour 0: LZW codes clear (4), 0, end (5) at 3 bits each.
  const frame = [0x2c, ...u16(0), ...u16(0), ...u16(1), ...u16(1), 0, 2, 2, 0x44, 0x01, 0];
  return Buffer.from([...header, ...Array.from({ length: frames }, () => frame).flat(), 0x3b]);
}
const gif = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#00aa00' } }).gif().toBuffer();

describe.each(storeFactories)('attachments on $name', (factory) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer(factory, { settings: { attachmentMaxBytes: 200_000 } });
  });
  afterEach(async () => server.close());

  const upload = (token: string, name: string, body: Buffer, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-baton-site': 'demo', 'x-file-name': encodeURIComponent(name), 'x-client-id': `c${Math.random().toString(36).slice(2, 10)}`, 'content-type': 'application/octet-stream', ...headers },
      body: new Uint8Array(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('an image reaches the agent with a thumbnail; metadata is gone; links are signed, short-lived and inert', async () => {
    const v = await visitor(server.url);
    const a = await agent(server.url);
    const sent = await upload(v.token, '../../etc/holiday photo.jpeg', await jpegWithGps());
    expect(sent).toMatchObject({ status: 200, body: { ok: true, message: { author: { kind: 'visitor' }, attachments: [{ type: 'image/jpeg', name: 'holiday photo.jpg', width: 40, height: 30 }] } } });
    const attachment = sent.body.message.attachments[0];
    expect(attachment.url).toMatch(/^\/api\/attachments\/att_.+sig=/);
    await request(a.socket, 'conversation:open', { conversationId: sent.body.message.conversationId });
    const opened = await request(a.socket, 'conversation:open', { conversationId: sent.body.message.conversationId });
    expect(opened.messages[0].attachments[0]).toMatchObject({ id: attachment.id, thumbUrl: expect.stringContaining('v=thumb') });

    const file = await fetch(`${server.url}${attachment.url}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toContain('sandbox');
    const bytes = Buffer.from(await file.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(bytes.includes(Buffer.from('Secret Owner'))).toBe(false);
    const thumb = await fetch(`${server.url}${opened.messages[0].attachments[0].thumbUrl}`);
    expect(thumb.headers.get('content-type')).toBe('image/webp');

    // A guessed, tampered or expired link is a plain 404.
    expect((await fetch(`${server.url}/api/attachments/${attachment.id}`)).status).toBe(404);
    expect((await fetch(`${server.url}${attachment.url.replace(/sig=.{4}/, 'sig=AAAA')}`)).status).toBe(404);
    const expired = attachment.url.replace(/exp=\d+/, `exp=${Date.now() - 1000}`);
    expect((await fetch(`${server.url}${expired}`)).status).toBe(404);
  });

  it('a file name that is not valid percent-encoding is a 400 bad_request, not a 500; nothing is stored', async () => {
    const v = await visitor(server.url);
    for (const bad of ['%', 'photo%E0%A4%A.png', '%ZZ.png']) {
      const sent = await upload(v.token, 'x', await jpegWithGps(), { 'x-file-name': bad });
      expect(sent).toMatchObject({ status: 400, body: { ok: false, error: { code: 'bad_request' } } });
    }
    expect(await server.store.latestConversation(v.visitorId)).toBeFalsy();
  });

  it('a tiny image that asks for millions of pixels is refused from its header, without decoding it; one within bounds is stored', async () => {
    const v = await visitor(server.url);
    const bomb = canvasBomb(5000, 3000, 3); // 45 Mpx from under 100 bytes
    expect(bomb.length).toBeLessThan(100);
    expect((await sharp(bomb, { animated: true }).metadata()).pages).toBe(3); // a GIF the decoder takes
    const refused = await upload(v.token, 'bomb.gif', bomb);
    expect(refused).toMatchObject({ status: 400, body: { ok: false, error: { code: 'bad_request', message: expect.stringMatching(/too large/) } } });
    const manyFrames = await upload(v.token, 'frames.gif', canvasBomb(10, 10, 400));
    expect(manyFrames).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    // The same kind of file at a reasonable size is an ordinary image.
    const fine = await upload(v.token, 'fine.gif', canvasBomb(200, 100, 3));
    expect(fine.status).toBe(200);
    expect(fine.body.message.attachments[0]).toMatchObject({ type: 'image/gif', width: 200, height: 100 });
  });

  it('images are paced by what decoding them costs: past the visitor\'s megapixels, refused before decoding', async () => {
    await server.close();
    server = await startServer(factory, { settings: { attachmentMaxBytes: 200_000 }, limits: { imageMegapixels: { points: 5, duration: 600 } } });
    const v = await visitor(server.url);
    // 2 Mpx each: two pass, the third would go over 5.
    expect((await upload(v.token, 'a.gif', canvasBomb(2000, 1000, 1))).status).toBe(200);
    expect((await upload(v.token, 'b.gif', canvasBomb(2000, 1000, 1))).status).toBe(200);
    expect(await upload(v.token, 'c.gif', canvasBomb(2000, 1000, 1))).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    // Nothing of the refused one was stored.
    await server.app.service.idle();
    const conversation = (await server.store.latestConversation(v.visitorId))!;
    const files = (await server.store.listMessages(conversation.id, 0, 100)).flatMap((m) => m.attachments ?? []);
    expect(files.map((f) => f.name)).toEqual(['a.gif', 'b.gif']);
  });

  it('the hostile corpus: each refused or stored inert', async () => {
    const v = await visitor(server.url);
    const script = Buffer.from('<script>alert(document.domain)</script>');
    const refused: Array<[string, Buffer]> = [
      ['logo.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
      ['photo.png', Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>')],
      ['cat.jpg', Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(200, 0), Buffer.from('PE\x00\x00', 'latin1'), Buffer.alloc(200, 1)])],
      ['empty.png', Buffer.alloc(0)],
    ];
    for (const [name, body] of refused) {
      const res = await upload(v.token, name, body);
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status: 400, code: 'bad_request' });
    }
    const big = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
    expect(big.length).toBeGreaterThan(200_000);
    expect(await upload(v.token, 'big.png', big)).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });

    // Polyglots are accepted as the image they start as, and re-encoding drops the payload.
    for (const [name, body] of [
      ['polyglot.gif', Buffer.concat([await gif(), Buffer.from('/*'), script, Buffer.from('*/=1;alert(1)//')])],
      ['tail.png', Buffer.concat([await png(), Buffer.from('<html>'), script])],
    ] as const) {
      const res = await upload(v.token, name, body);
      expect(res.status).toBe(200);
      const stored = Buffer.from(await (await fetch(`${server.url}${res.body.message.attachments[0].url}`)).arrayBuffer());
      expect(stored.includes(Buffer.from('<script>'))).toBe(false);
      expect(stored.includes(Buffer.from('alert('))).toBe(false);
    }
    // Nothing a refused upload sent became a message.
    await server.app.service.idle();
    const conversation = (await server.store.latestConversation(v.visitorId))!;
    const visitorMessages = (await server.store.listMessages(conversation.id, 0, 100)).filter((m) => m.author.kind === 'visitor');
    expect(visitorMessages.map((m) => m.attachments?.[0]?.type)).toEqual(['image/gif', 'image/png']);
  });

  it('only the right people upload: bad tokens, other sites, agents not holding the conversation', async () => {
    const v = await visitor(server.url);
    expect(await upload('v1.bogus.token.sig', 'a.png', await png())).toMatchObject({ status: 401 });
    expect(await upload(v.token, 'a.png', await png(), { 'x-baton-site': 'nope' })).toMatchObject({ status: 404 });
    expect(await upload(v.token, 'a.png', await png(), { origin: 'https://evil.example' })).toMatchObject({ status: 403, body: { error: { code: 'origin_not_allowed' } } });
    const sent = await request(v.socket, 'message:send', { clientId: 'q1', body: 'I need a human' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    const a = await agent(server.url);
    const agentUpload = (conversationId: string) =>
      fetch(`${server.url}/api/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.token}`, 'x-conversation-id': conversationId, 'x-file-name': 'label.pdf', 'x-client-id': 'ag1' },
        body: new Uint8Array(Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF')),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    expect(await agentUpload(sent.message.conversationId)).toMatchObject({ status: 409, body: { error: { code: 'not_in_control' } } });
    await request(a.socket, 'conversation:claim', { conversationId: sent.message.conversationId });
    const ok = await agentUpload(sent.message.conversationId);
    expect(ok).toMatchObject({ status: 200, body: { message: { author: { kind: 'agent' }, attachments: [{ type: 'application/pdf', name: 'label.pdf' }] } } });
    await waitFor(v, 'message:new', (m) => m.attachments?.[0]?.type === 'application/pdf');
    const pdf = await fetch(`${server.url}${ok.body.message.attachments[0].url}`);
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment;/);
  });
});

/** Sends only the headers of an upload (the body never follows) and resolves with the answer, or 'no answer'. */
function headersOnly(url: string, headers: Record<string, string>, waitMs = 2000): Promise<{ status: number; body: any } | 'no answer'> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest(`${url}/api/attachments`, { method: 'POST', headers });
    const timer = setTimeout(() => {
      req.destroy();
      resolvePromise('no answer');
    }, waitMs);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolvePromise({ status: res.statusCode!, body: JSON.parse(text) });
      });
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.flushHeaders();
  });
}

describe('uploads are refused before their body is read', () => {
  let server: TestServer;
  afterEach(async () => server.close());
  const big = { 'content-type': 'application/octet-stream', 'content-length': String(30 * 1024 * 1024), 'x-file-name': 'big.png', 'x-client-id': 'big1' };

  it('no visitor token or session: 401 from the headers alone, the 30 MB body is never waited for', async () => {
    server = await startServer(sqliteFactory);
    expect(await headersOnly(server.url, { ...big, 'x-baton-site': 'demo', authorization: 'Bearer v1.bogus' })).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(await headersOnly(server.url, big)).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
  });

  it("over the site's limit by Content-Length: 413 payload_too_large before the body; a chunked body stops at the limit", async () => {
    server = await startServer(sqliteFactory, { settings: { attachmentMaxBytes: 100_000 } });
    const v = await visitor(server.url);
    const declared = await headersOnly(server.url, { ...big, 'content-length': '100001', 'x-baton-site': 'demo', authorization: `Bearer ${v.token}` });
    expect(declared).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    const a = await agent(server.url);
    expect(await headersOnly(server.url, { ...big, authorization: `Bearer ${a.token}`, 'x-conversation-id': 'c_x' })).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    // No Content-Length (chunked): read up to the limit, then refused.
    let sentChunks = 0;
    const chunks = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sentChunks++ < 40) controller.enqueue(new Uint8Array(10_000));
        else controller.close();
      },
    });
    const chunked = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${v.token}`, 'x-baton-site': 'demo', 'x-client-id': 'ch1', 'content-type': 'application/octet-stream' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  const upload = (token: string, clientId: string, body: Buffer) =>
    fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-baton-site': 'demo', 'x-file-name': 'a.png', 'x-client-id': clientId, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('a file that opens a new conversation counts against the new-conversation limit per network', async () => {
    server = await startServer(sqliteFactory, { limits: { conversationPerIp: { points: 1, duration: 60 } } });
    const first = await visitor(server.url);
    expect(await request(first.socket, 'message:send', { clientId: 'n1', body: 'hi' })).toMatchObject({ ok: true });
    const second = await visitor(server.url);
    expect(await upload(second.token, 'u1', await png())).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    expect(await server.store.latestConversation(second.visitorId)).toBeNull();
    // In a conversation already open, a file is one more message.
    expect(await upload(first.token, 'u2', await png())).toMatchObject({ status: 200 });
  });

  it("files keep the site's own visitor pace; a retried upload is answered with the stored message", async () => {
    server = await startServer(sqliteFactory, { settings: { visitorMessagesPer10s: 2 } });
    const v = await visitor(server.url);
    expect(await request(v.socket, 'message:send', { clientId: 'm1', body: 'hi' })).toMatchObject({ ok: true });
    const sent = await upload(v.token, 'f1', await png());
    expect(sent).toMatchObject({ status: 200 });
    expect(await upload(v.token, 'f2', await png())).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    expect(await upload(v.token, 'f1', await png())).toMatchObject({ status: 200, body: { message: { id: sent.body.message.id } } });
  });

  it('a retried upload (its answer lost) gets the stored message back and stores no second file', async () => {
    let dbFile = '';
    server = await startServer({ name: 'sqlite', create: async () => sqliteFactory.create().then((c) => ((dbFile = c.url.slice('sqlite:'.length)), c)) });
    const files = () => {
      const db = new Database(dbFile, { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM attachments').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const v = await visitor(server.url);
    const first = await upload(v.token, 'same-id', await png());
    expect(first).toMatchObject({ status: 200, body: { message: { attachments: [{ type: 'image/png' }] } } });
    // The widget sends it again with the same client id (even a different file changes nothing).
    const again = await upload(v.token, 'same-id', await gif());
    expect(again).toMatchObject({ status: 200, body: { message: { id: first.body.message.id, attachments: [{ id: first.body.message.attachments[0].id, type: 'image/png', url: expect.stringContaining('sig=') }] } } });
    expect(files()).toBe(1);
    // An agent's retried upload likewise.
    await request(v.socket, 'message:send', { clientId: 'q1', body: 'I need a human' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    const a = await agent(server.url);
    const conversationId = first.body.message.conversationId;
    await request(a.socket, 'conversation:claim', { conversationId });
    const pngBody = await png();
    const send = () => fetch(`${server.url}/api/attachments`, { method: 'POST', headers: { authorization: `Bearer ${a.token}`, 'x-conversation-id': conversationId, 'x-file-name': 'label.png', 'x-client-id': 'ag-same' }, body: new Uint8Array(pngBody) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const agentFirst = await send();
    expect(agentFirst).toMatchObject({ status: 200, body: { message: { author: { kind: 'agent' } } } });
    expect((await send()).body.message.id).toBe(agentFirst.body.message.id);
    expect(files()).toBe(2);
    // Two sends of one file at the same moment (a retry racing the first): one message, one file.
    const [x, y] = await Promise.all([upload(v.token, 'racing', await png()), upload(v.token, 'racing', await png())]);
    expect([x.status, y.status]).toEqual([200, 200]);
    expect(x.body.message.id).toBe(y.body.message.id);
    expect(files()).toBe(3);
  });
});
