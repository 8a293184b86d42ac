// createApp: the one composition root. main.ts and every test build the server through it,
// with real dependencies.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS, NAMESPACES } from '@baton/shared';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { BotProvider } from './bot/provider.js';
import type { Logger } from './log.js';
import { ConversationService, type Timing } from './service/conversations.js';
import { createMetrics, type Meter, NO_METER } from './observability.js';
import { WebhookDeliverer } from './service/webhooks.js';
import { JobRunner, storeTimers, webhookLane } from './service/jobs.js';
import type { Mailer } from './service/mail.js';
import { jobHandlers, scheduleRecurringJobs } from './service/job-handlers.js';
import { ConnectionPresence, type PresenceTiming } from './service/presence.js';
import type { SiteRecord, Store } from './store/types.js';
import { type AgentNamespace, sessionRoom, setupAgentNamespace } from './transport/agent-socket.js';
import type express from 'express';
import { unseal } from './auth/sealed.js';
import { attachmentPath } from './service/attachments.js';
import { adminRouter, setPasswordRoute } from './transport/admin.js';
import { attachmentsRouter } from './transport/attachments.js';
import { contactRouter } from './transport/contact.js';
import { type LimitRules, Limits } from './service/limits.js';
import { createHttpApp } from './transport/http.js';
import { socketNotifier } from './transport/notifier.js';
import { consoleOrigins } from './transport/origin.js';
import { Sessions } from './service/sessions.js';
import { type VoiceDeps, VoiceService } from './service/voice.js';
import { setupVisitorNamespace, type VisitorNamespace } from './transport/visitor-socket.js';

export const DEFAULT_STATIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../widget/dist');

export interface AppDeps {
  store: Store;
  bots: (site: SiteRecord) => BotProvider;
  secret: string;
  logger: Logger;
  clock?: () => Date;
  newId?: (prefix: string) => string;
  staticDir?: string;
  secureCookies?: boolean;
  botTimeoutMs?: number;
  /** Reply-later emails; absent = replies wait in the chat only. */
  mailer?: Mailer;
  /** Where emails link to when the visitor's page is unknown. */
  publicUrl?: string;
  timing?: Partial<Timing>;
  /** How often this node looks for due jobs; 0 = never on its own (tests call runJobs). */
  jobPollMs?: number;
  /** Bearer token for GET /metrics; unset = open (bind the port privately or set it). */
  metricsToken?: string;
  /** Console presence heartbeat (tests shorten it). */
  presenceTiming?: PresenceTiming;
  /** Several nodes: Socket.IO rooms and broadcasts through Redis Streams (ioredis). */
  redis?: { url: string; streamName?: string };
  /** Rate limits (defaults in service/limits.ts). */
  limits?: Partial<LimitRules>;
  /** Webhook targets on private or loopback addresses (development and tests only). */
  allowPrivateWebhooks?: boolean;
  /** Proxies whose X-Forwarded-For is believed (proxy-addr names or CIDRs); default loopback. */
  trustProxy?: string[];
  /** Voice: the speech engine (absent: voice mode is unavailable), STUN/TURN servers for calls, and each site's vocabulary. */
  voice?: Pick<VoiceDeps, 'speech' | 'iceServers' | 'vocabulary' | 'timeoutMs'>;
}

export interface App {
  httpServer: HttpServer;
  io: Server;
  service: ConversationService;
  /** Runs every due durable job now (tests with a controllable clock). */
  runJobs(): Promise<number>;
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

export async function createApp(deps: AppDeps): Promise<App> {
  const { nanoid } = await import('nanoid');
  const clock = deps.clock ?? (() => new Date());
  const newId = deps.newId ?? ((prefix: string) => `${prefix}_${nanoid(16)}`);
  const sessions = new Sessions(deps.store, clock);
  const origins = consoleOrigins({ publicUrl: deps.publicUrl, trustProxy: deps.trustProxy ?? ['loopback'] });
  const redis = deps.redis ? new Redis(deps.redis.url, { lazyConnect: false, maxRetriesPerRequest: null }) : null;
  if (redis) redis.on('error', (err) => deps.logger.warn({ err }, 'redis error (retrying)'));
  // Rate-limit counters get their own connection that fails fast while Redis is away (no offline
  // queue): a chat must not hang on a counter; each node counts in memory until Redis is back.
  const countersRedis = deps.redis ? new Redis(deps.redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : null;
  if (countersRedis) countersRedis.on('error', () => {}); // reported once by the main connection
  const limits = new Limits(deps.limits, countersRedis, deps.redis?.streamName ?? 'baton');
  // Filled in once Socket.IO exists: deactivating an agent signs out their open consoles.
  let disconnectAgent: (agentId: string) => void = () => {};
  // Filled in once the metrics exist.
  let meterRef: Meter = NO_METER;
  let attachmentRoutes: express.Router | null = null;
  let contactRoutes: express.Router | null = null;
  const webhooks = new WebhookDeliverer({
    store: deps.store,
    clock,
    logger: deps.logger,
    meter: { message: () => {}, escalation: () => {}, botTurn: () => {}, timeToHuman: () => {}, webhookDelivery: (r) => meterRef.webhookDelivery(r) },
    allowPrivate: deps.allowPrivateWebhooks ?? false,
  });
  const adminDeps = {
    store: deps.store,
    sessions,
    logger: deps.logger,
    secret: deps.secret,
    clock,
    newId,
    disconnectAgent: (id: string) => disconnectAgent(id),
    publicUrl: deps.publicUrl,
    webhooks,
    allowPrivateWebhooks: deps.allowPrivateWebhooks ?? false,
  };
  const http = createHttpApp({
    store: deps.store,
    sessions,
    logger: deps.logger,
    staticDir: deps.staticDir ?? DEFAULT_STATIC_DIR,
    secureCookies: deps.secureCookies ?? false,
    trustProxy: deps.trustProxy ?? ['loopback'],
    limits,
    clock,
    origins,
    attachments: (req, res, next) => (attachmentRoutes ? attachmentRoutes(req, res, next) : next()),
    contact: (req, res, next) => (contactRoutes ? contactRoutes(req, res, next) : next()),
    admin: { router: adminRouter(adminDeps), setPassword: setPasswordRoute(adminDeps) },
  });
  const { registry, meter } = createMetrics({
    socketCounts: () => ({ visitor: io.of(NAMESPACES.visitor).sockets.size, agent: io.of(NAMESPACES.agent).sockets.size }),
    queueWaiting: () => deps.store.countWaiting(),
  });
  meterRef = meter;
  http.get('/metrics', (req, res) => {
    if (deps.metricsToken && req.headers.authorization !== `Bearer ${deps.metricsToken}`) {
      res.status(401).json({ ok: false, error: { code: 'unauthorized', message: 'A bearer token is required for /metrics.' } });
      return;
    }
    registry
      .metrics()
      .then((text) => res.type(registry.contentType).send(text))
      .catch((err) => {
        deps.logger.error({ err }, 'metrics failed');
        res.status(500).end();
      });
  });
  const httpServer = createServer(http);
  const io = new Server(httpServer, {
    maxHttpBufferSize: LIMITS.maxPayloadBytes,
    // Visitors connect from customers' sites; each site's allowed origins are checked per namespace.
    cors: { origin: true, credentials: false },
    serveClient: false,
  });
  // Redis Streams adapter: survives a Redis blip without losing packets (the stream is resumed),
  // and fetchSockets() answers for every node, so presence and "who is online" span the cluster.
  if (redis) {
    io.adapter(createAdapter(redis, { streamName: deps.redis?.streamName ?? 'baton', onlyPlaintext: true }));
  }
  let draining = false;
  http.get('/readyz', (_req, res) => {
    const checks: Array<Promise<unknown>> = [deps.store.ping()];
    if (redis) checks.push(redis.ping());
    Promise.all(checks).then(
      () => (draining ? res.status(503).json({ ok: false, error: { code: 'internal', message: 'shutting down' } }) : res.json({ ok: true })),
      (err) => {
        deps.logger.warn({ err }, 'not ready');
        res.status(503).json({ ok: false, error: { code: 'internal', message: 'database or redis unreachable' } });
      },
    );
  });
  const visitors = io.of(NAMESPACES.visitor) as unknown as VisitorNamespace;
  const agents = io.of(NAMESPACES.agent) as unknown as AgentNamespace;
  disconnectAgent = (agentId) => agents.in(`agent:${agentId}`).disconnectSockets(true);
  // Signing out closes that session's consoles (other tabs, other nodes) at once.
  sessions.onEnded((tokenHash) => agents.in(sessionRoom(tokenHash)).disconnectSockets(true));

  const notifier = socketNotifier(visitors, agents);

  // Consoles: rows in the database (service/presence.ts). Visitors: the sockets in their room, on
  // every node (the Redis adapter answers for all); only the rare abandonment check asks.
  const presence = new ConnectionPresence(deps.store, newId('node'), async (visitorId) => (await visitors.in(`visitor:${visitorId}`).fetchSockets()).length > 0, deps.presenceTiming);
  const service = new ConversationService({
    store: deps.store,
    bots: deps.bots,
    clock,
    newId,
    logger: deps.logger,
    notifier,
    ...(deps.botTimeoutMs ? { botTimeoutMs: deps.botTimeoutMs } : {}),
    presence,
    timers: storeTimers(deps.store),
    meter,
    attachmentUrl: (id, variant) => attachmentPath(deps.secret, id, variant, clock()),
    unsealSecret: (stored) => unseal(deps.secret, stored),
    ...(deps.timing ? { timing: deps.timing } : {}),
  });
  const handlers = jobHandlers({ store: deps.store, service, webhooks, clock, logger: deps.logger, mailer: deps.mailer, publicUrl: deps.publicUrl, secret: deps.secret });
  const pollMs = deps.jobPollMs || 1000;
  // Webhook deliveries have a runner of their own, a lane per endpoint: a receiver that takes its
  // 10 s to answer delays neither another site's deliveries nor requeues, abandonment or emails.
  const jobs = [
    new JobRunner(deps.store, handlers, clock, deps.logger, { pollMs, kinds: { except: ['webhook'] } }),
    new JobRunner(deps.store, handlers, clock, deps.logger, { pollMs, kinds: { only: ['webhook'] }, lane: webhookLane }),
  ];
  if (deps.jobPollMs !== 0) {
    for (const runner of jobs) runner.start();
    scheduleRecurringJobs(deps.store, clock, deps.logger);
  }
  presence.start(
    async (stale) => {
      for (const { agentId } of stale) {
        const agent = await deps.store.getAgent(agentId);
        if (agent) await service.agentDisconnected(agent);
      }
    },
    (err) => deps.logger.warn({ err }, 'presence heartbeat failed'),
  );
  contactRoutes = contactRouter({ service, secret: deps.secret, clock, logger: deps.logger });
  attachmentRoutes = attachmentsRouter({ store: deps.store, sessions, service, secret: deps.secret, clock, logger: deps.logger, limits });
  const voice = new VoiceService({ store: deps.store, conversations: service, limits, logger: deps.logger, speech: null, iceServers: [], ...deps.voice });
  setupVisitorNamespace(visitors, { store: deps.store, service, voice, secret: deps.secret, newId, logger: deps.logger, limits, trustProxy: deps.trustProxy ?? ['loopback'] });
  setupAgentNamespace(agents, { sessions, service, voice, presence, logger: deps.logger, origins, clock });

  return {
    httpServer,
    io,
    service,
    runJobs: async () => (await Promise.all(jobs.map((runner) => runner.runDue()))).reduce((a, b) => a + b, 0),
    listen(port, host = '127.0.0.1') {
      return new Promise((resolvePromise, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolvePromise({ port: address.port, url: `http://${shownHost}:${address.port}` });
        });
      });
    },
    async close() {
      // Stop taking work, let clients reconnect to another node, finish what is in flight.
      draining = true;
      await Promise.all(jobs.map((runner) => runner.stop()));
      await presence.stop().catch((err) => deps.logger.warn({ err }, 'presence cleanup failed'));
      io.local.disconnectSockets(true);
      await new Promise<void>((r) => io.close(() => r()));
      await service.idle();
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
      if (redis) await redis.quit().catch(() => redis.disconnect());
      if (countersRedis) await countersRedis.quit().catch(() => countersRedis.disconnect());
    },
  };
}
