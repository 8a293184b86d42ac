// SIGTERM: stop accepting, disconnect clients so they reconnect elsewhere, finish in-flight work,
// exit 0 within 10 seconds. /healthz and /readyz answer while running.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { freePort } from '../helpers/cluster.js';
import { connect, request } from '../helpers/server.js';

describe('graceful shutdown', () => {
  it('exits cleanly within 10 s of SIGTERM and tells connected clients to go', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-term-'));
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', BATON_DATA_DIR: dir, LOG_LEVEL: 'warn', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 150; i++) {
      if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const v = await connect(url, '/visitor', { siteKey: 'demo' });
    const resumed = await request(v.socket, 'session:resume', {});
    const sent = await request(v.socket, 'message:send', { clientId: 't1', body: 'How long does shipping take?' });
    const gone = new Promise<string>((r) => v.socket.once('disconnect', (reason) => r(reason)));
    const started = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await gone).toBeTruthy();
    // The bot turn in flight when SIGTERM came finished before exit: its answer is stored.
    const store = await createStore(undefined, { dataDir: dir });
    try {
      const messages = await store.listMessages(sent.message.conversationId, 0, 10);
      expect(messages.map((m) => m.author.kind)).toEqual(['visitor', 'bot']);
      expect((await store.latestConversation(resumed.visitorId))?.id).toBe(sent.message.conversationId);
    } finally {
      await store.close();
    }
  }, 60_000);
});
