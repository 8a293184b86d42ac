// A real Baton server for integration tests: createApp with a real store, the built-in bot, a
// real HTTP listener on 127.0.0.1, and real socket.io clients.
import { resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { type App, type AppDeps, createApp } from '../../src/app.js';
import { createBuiltinBot } from '../../src/bot/index.js';
import type { BotProvider } from '../../src/bot/provider.js';
import { DEMO, seedDemo } from '../../src/demo.js';
import { createLogger } from '../../src/log.js';
import type { Timing } from '../../src/service/conversations.js';
import type { Mailer } from '../../src/service/mail.js';
import type { Store } from '../../src/store/types.js';
import type { LimitRules } from '../../src/service/limits.js';
import type { StoreFactory } from './db.js';

export const SECRET = 'integration-test-secret-0123456789abcdef';

export interface TestServer {
  app: App;
  store: Store;
  url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  bot?: BotProvider;
  botTimeoutMs?: number;
  clock?: () => Date;
  timing?: Partial<Timing>;
  mailer?: Mailer;
  /** Merged into the demo site's settings (routing, business hours, ...). */
  settings?: Record<string, unknown>;
  /** Jobs run only when the test calls app.runJobs() (default), or on a poll. */
  jobPollMs?: number;
  metricsToken?: string;
  limits?: Partial<LimitRules>;
  allowPrivateWebhooks?: boolean;
  /** Proxies whose X-Forwarded-For is believed (default: loopback, as in production). */
  trustProxy?: string[];
  /** Static files (default: widget/dist as built). */
  staticDir?: string;
  /** Where log lines go (default: silent). */
  log?: { level: string; write: (line: string) => void };
  /** The speech engine and STUN/TURN servers (default: no voice). */
  voice?: AppDeps['voice'];
}

export async function startServer(factory: StoreFactory, options: ServerOptions = {}): Promise<TestServer> {
  const { store, cleanup } = await factory.create();
  await seedDemo(store, { now: new Date().toISOString(), secret: SECRET });
  if (options.settings) {
    const site = (await store.getSiteByKey(DEMO.siteKey))!;
    await store.upsertSite({ ...site, settings: { ...site.settings, ...options.settings }, now: site.createdAt });
  }
  const bot = options.bot ?? (await createBuiltinBot({ siteDir: resolve(import.meta.dirname, '../../sites/demo') }));
  const app = await createApp({
    store,
    bots: () => bot,
    secret: SECRET,
    logger: options.log ? createLogger(options.log.level, { write: options.log.write }) : createLogger('silent'),
    ...(options.botTimeoutMs ? { botTimeoutMs: options.botTimeoutMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timing ? { timing: options.timing } : {}),
    ...(options.mailer ? { mailer: options.mailer } : {}),
    jobPollMs: options.jobPollMs ?? 0,
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.allowPrivateWebhooks ? { allowPrivateWebhooks: true } : {}),
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    ...(options.voice ? { voice: options.voice } : {}),
  });
  const { url } = await app.listen(0, '127.0.0.1');
  const sockets: Socket[] = [];
  openSockets.set(url, sockets);
  return {
    app,
    store,
    url,
    async close() {
      for (const s of sockets) s.disconnect();
      await app.close();
      await cleanup();
    },
  };
}

const openSockets = new Map<string, Socket[]>();

export interface Connected {
  socket: Socket;
  /** Every event received, in order, for assertions on what a participant saw. */
  received: { event: string; payload: any }[];
}

export function connect(url: string, namespace: '/visitor' | '/agent', auth: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Connected> {
  const socket = io(url + namespace, { auth, transports: ['websocket'], extraHeaders: headers, reconnection: false, forceNew: true });
  openSockets.get(url)?.push(socket);
  const received: Connected['received'] = [];
  socket.onAny((event, payload) => received.push({ event, payload }));
  return new Promise((resolvePromise, reject) => {
    socket.once('connect', () => resolvePromise({ socket, received }));
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.disconnect();
      reject(error);
    });
  });
}

/** Emits a request and resolves with its ack. */
export function request<T = any>(socket: Socket, event: string, payload: unknown, timeoutMs = 5000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

/** Resolves with the first event (already received or future) matching the predicate. */
export async function waitFor(c: Connected, event: string, predicate: (payload: any) => boolean = () => true, timeoutMs = 5000): Promise<any> {
  const started = Date.now();
  let index = 0;
  while (Date.now() - started < timeoutMs) {
    for (; index < c.received.length; index++) {
      const r = c.received[index]!;
      if (r.event === event && predicate(r.payload)) return r.payload;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${event}; received: ${c.received.map((r) => r.event).join(', ')}`);
}

export async function visitor(url: string, visitorToken?: string, resume: Record<string, unknown> = {}) {
  const c = await connect(url, '/visitor', { siteKey: DEMO.siteKey, ...(visitorToken ? { visitorToken } : {}) });
  const resumed = await request(c.socket, 'session:resume', resume);
  return { ...c, token: resumed.visitorToken as string, visitorId: resumed.visitorId as string, resumed };
}

export async function login(url: string, email: string = DEMO.agentEmail, password: string = DEMO.agentPassword) {
  const res = await fetch(`${url}/api/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { status: res.status, body: (await res.json()) as any, cookie: res.headers.get('set-cookie') };
}

/** A second agent of the demo site (Tom), for transfers, races and routing. */
export async function addAgent(store: Store, input: { id: string; name: string; email: string; password: string; teams?: string[]; capacity?: number; role?: 'agent' | 'admin' }) {
  const { hashPassword } = await import('../../src/auth/password.js');
  const site = (await store.getSiteByKey(DEMO.siteKey))!;
  return store.ensureAgent({
    id: input.id,
    siteId: site.id,
    email: input.email,
    name: input.name,
    role: input.role ?? 'agent',
    passwordHash: await hashPassword(input.password),
    active: true,
    ...(input.teams ? { teams: input.teams } : {}),
    ...(input.capacity ? { capacity: input.capacity } : {}),
    now: new Date().toISOString(),
  });
}

export async function agent(url: string, email?: string, password?: string) {
  const { body } = await login(url, email, password);
  if (!body.ok) throw new Error(`login failed: ${JSON.stringify(body)}`);
  const c = await connect(url, '/agent', { token: body.token });
  return { ...c, token: body.token as string };
}
