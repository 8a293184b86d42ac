// REST routes and static files. Every error answers in the shared `{ ok: false, error }` shape.
import { existsSync } from 'node:fs';
import { BatonError, HTTP_STATUS, LoginBody, type WidgetConfig } from '@baton/shared';
import helmet from 'helmet';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import { parse as parseCookie } from 'cookie';
import type { Logger } from '../log.js';
import type { AgentRecord, Store } from '../store/types.js';
import { errorAck } from './requests.js';
import type { Limits } from '../service/limits.js';
import { pacedLogin } from '../service/pace.js';
import type { ConsoleOrigins } from './origin.js';
import { loadAssets } from './assets.js';
import { openApiDocument, publicApiRouter } from './public-api.js';
import { SESSION_TTL_MS, type Sessions } from '../service/sessions.js';
import { SESSION_COOKIE } from './sessions.js';

export const publicAgent = (a: AgentRecord) => ({ id: a.id, email: a.email, name: a.name, role: a.role, siteId: a.siteId });

export function send(res: Response, logger: Logger, error: unknown, event: string) {
  const ack = errorAck(error, logger, event);
  const retry = ack.error.details?.retryAfterMs;
  if (typeof retry === 'number') res.setHeader('Retry-After', String(Math.ceil(retry / 1000)));
  res.status(HTTP_STATUS[ack.error.code]).json(ack);
}

/** Wraps an async route so a thrown error becomes an error response, never an unhandled rejection. */
export const route =
  (logger: Logger, name: string, fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res) => {
    fn(req, res).catch((error) => send(res, logger, error, name));
  };

const isLoopback = (ip: string | undefined) => !!ip && (ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.'));

export function sessionToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7);
  return req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined;
}

export function createHttpApp(deps: {
  store: Store;
  sessions: Sessions;
  logger: Logger;
  staticDir: string;
  secureCookies: boolean;
  trustProxy: string[];
  limits: Limits;
  clock?: () => Date;
  /** Which pages count as the console (CSRF). */
  origins: ConsoleOrigins;
  /** Attachments (mounted once the conversation service exists). */
  attachments?: RequestHandler;
  /** The reply-later address confirmation (mounted once the conversation service exists). */
  contact?: RequestHandler;
  /** The admin API and set-password route (absent in tests that do not need them). */
  admin?: { router: express.Router; setPassword: RequestHandler };
}): Express {
  const { store, sessions, logger, staticDir } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  // Security headers everywhere; the widget's files stay loadable from customers' sites.
  app.use(helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: false, crossOriginEmbedderPolicy: false }));
  // The console and the API: a strict CSP with no inline script and no framing.
  const consoleCsp = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  });
  app.use(['/console', '/api'], consoleCsp);
  // CSRF: a cookie-authenticated change must come from the console's own page (PUBLIC_URL or the
  // host asked). Browsers name the page in Origin; where one does not, Sec-Fetch-Site still says
  // "cross-site". (The cookie is SameSite=Lax as well; bearer-token clients are not affected.)
  app.use('/api', (req, res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || req.headers.authorization?.startsWith('Bearer ')) return next();
    const origin = req.headers.origin;
    const foreign = origin ? !deps.origins.allowed(origin, req.get('host'), req.protocol) : req.headers['sec-fetch-site'] === 'cross-site';
    if (foreign) {
      res.status(403).json({ ok: false, error: { code: 'origin_not_allowed', message: 'Cross-site requests are not allowed.' } });
      return;
    }
    next();
  });

  // The process id is nobody else's business; only a caller on this machine (an operator, or a
  // load balancer on loopback) is told which process answered.
  app.get('/healthz', (req, res) => {
    res.json(isLoopback(req.ip) ? { ok: true, node: process.pid } : { ok: true });
  });

  const api = express.Router();
  api.use(express.json({ limit: '16kb' }));

  api.post(
    '/agent/login',
    route(logger, 'login', async (req, res) => {
      const body = LoginBody.safeParse(req.body ?? {});
      if (!body.success) throw new BatonError('bad_request', 'An email and a password are required.');
      const { agent, token } = await pacedLogin({ sessions, limits: deps.limits, store, clock: deps.clock ?? (() => new Date()) }, { ...body.data, ip: req.ip ?? 'unknown' });
      res.cookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.secureCookies,
        maxAge: SESSION_TTL_MS,
        path: '/',
      });
      res.json({ ok: true, agent: publicAgent(agent), token });
    }),
  );

  api.post(
    '/agent/logout',
    route(logger, 'logout', async (req, res) => {
      const token = sessionToken(req);
      if (token) await sessions.logout(token);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.json({ ok: true });
    }),
  );

  const signedIn = async (req: Request) => {
    const token = sessionToken(req);
    const agent = token ? await sessions.agentFor(token) : null;
    if (!agent) throw new BatonError('unauthorized', 'Not signed in.');
    return agent;
  };

  api.get(
    '/agent/me',
    route(logger, 'me', async (req, res) => {
      res.json({ ok: true, agent: publicAgent(await signedIn(req)) });
    }),
  );

  api.get(
    '/agent/site',
    route(logger, 'agent-site', async (req, res) => {
      const agent = await signedIn(req);
      const site = (await store.getSite(agent.siteId))!;
      const canned = Array.isArray(site.settings.cannedResponses) ? site.settings.cannedResponses : [];
      res.json({ ok: true, site: { key: site.key, name: site.name, cannedResponses: canned } });
    }),
  );

  api.get(
    '/sites/:key/widget-config',
    route(logger, 'widget-config', async (req, res) => {
      const site = await store.getSiteByKey(String(req.params.key));
      if (!site) throw new BatonError('not_found', 'No such site.');
      const s = site.settings;
      const text = (v: unknown, fallback: string) => (typeof v === 'string' && v ? v : fallback);
      const config: WidgetConfig = {
        siteKey: site.key,
        name: site.name,
        botName: text(s.botName, 'Assistant'),
        greeting: text(s.greeting, `Hi! I'm the ${site.name} assistant. Ask me anything — a person from our team can take over at any time.`),
        color: text(s.color, '#4f46e5'),
        ...(s.position === 'left' || s.position === 'right' ? { position: s.position } : {}),
        ...(typeof s.launcherLabel === 'string' && s.launcherLabel ? { launcherLabel: s.launcherLabel } : {}),
      };
      res.set('Access-Control-Allow-Origin', '*');
      res.json({ ok: true, config });
    }),
  );

  if (deps.attachments) api.use('/attachments', deps.attachments);
  api.use('/v1', publicApiRouter({ store, logger, clock: deps.clock ?? (() => new Date()) }));
  const openApi = openApiDocument();
  api.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  if (deps.contact) api.use('/contact', deps.contact);
  if (deps.admin) {
    api.use('/admin', deps.admin.router);
    api.post('/agent/set-password', deps.admin.setPassword);
  }

  api.use((_req, res) => {
    res.status(404).json({ ok: false, error: { code: 'not_found', message: 'No such endpoint.' } });
  });
  const apiErrors: ErrorRequestHandler = (error, _req, res, _next) => {
    const e = error as { type?: string; status?: number };
    if (e.type === 'entity.too.large') {
      res.status(413).json({ ok: false, error: { code: 'payload_too_large', message: 'The request body is too large.' } });
    } else if (e.type === 'entity.parse.failed' || e.status === 400) {
      res.status(400).json({ ok: false, error: { code: 'bad_request', message: 'The request body is not valid JSON.' } });
    } else {
      send(res, logger, error, 'api');
    }
  };
  api.use(apiErrors);
  app.use('/api', api);

  // The widget, the console and the demo page, built by `pnpm build` into widget/dist.
  if (existsSync(staticDir)) {
    const assets = loadAssets(staticDir);
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      let path: string;
      try {
        path = decodeURIComponent(req.path);
      } catch {
        path = '';
      }
      // The policy by the decoded path too: the raw-path mount above misses /%63onsole/.
      if ((path === '/console' || path.startsWith('/console/')) && !res.getHeader('content-security-policy')) consoleCsp(req, res, () => {});
      if (assets.send(req, res, path)) return;
      // The console is a single-page app: its routes get its page. A file name (an old chunk, a
      // mistyped hash) gets a 404 rather than a page of HTML where a script was expected.
      const isFile = /\.[A-Za-z0-9]+$/.test(req.path);
      if (!isFile && (path === '/console' || path.startsWith('/console/')) && assets.send(req, res, '/console/index.html')) return;
      if (path === '/' && assets.send(req, res, '/index.html')) return;
      if (isFile) {
        res.status(404).type('text').send('Not found');
        return;
      }
      next();
    });
  } else {
    app.get(['/', '/console'], (_req, res) => {
      res.status(503).type('text').send('The widget and console are not built yet. Run `pnpm build` (or `pnpm start`, which builds first).');
    });
  }
  return app;
}
