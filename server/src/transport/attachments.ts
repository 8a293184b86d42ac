// Uploading and serving attachments. Upload: POST /api/attachments with the raw file as the
// body — visitors with their visitor token (Authorization: Bearer, X-Baton-Site), agents with
// their session (and X-Conversation-Id). Serving: GET /api/attachments/:id with a short-lived
// signature; a guessed or expired link is a 404.
import { BatonError } from '@baton/shared';
import express, { type Request, type Response, type Router } from 'express';
import { originAllowed, verifyVisitorToken } from '../auth/tokens.js';
import type { Logger } from '../log.js';
import { DEFAULT_MAX_BYTES, inspect, isImage, verifyAttachment } from '../service/attachments.js';
import type { ConversationService } from '../service/conversations.js';
import type { SiteRecord, Store } from '../store/types.js';
import { route, sessionToken } from './http.js';
import type { Limits } from '../service/limits.js';
import type { Sessions } from '../service/sessions.js';
import { admitVisitorMessage, storedMessage } from '../service/pace.js';

/** The hard cap before any site setting is read; sites may set less (attachmentMaxBytes). */
const HARD_LIMIT = 25 * 1024 * 1024;
const ClientId = /^[A-Za-z0-9_-]{1,64}$/;
const ConversationId = /^[A-Za-z0-9_-]{1,64}$/;

const tooLarge = (max: number) => new BatonError('payload_too_large', `Files can be at most ${Math.round(max / 1024 / 1024)} MB.`);

/** Refuses from Content-Length alone when the declared body is over the limit. */
function declaredSize(req: Request, max: number) {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
}

/** Reads the body, stopping (payload_too_large) as soon as it passes `max` (chunked bodies declare no length). */
function readBody(req: Request, res: Response, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    express.raw({ type: () => true, limit: max })(req, res, (error?: unknown) => {
      if (!error) return resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      const e = error as { type?: string };
      reject(e.type === 'entity.too.large' ? tooLarge(max) : new BatonError('bad_request', 'The upload was interrupted.'));
    });
  });
}

export function attachmentsRouter(deps: { store: Store; sessions: Sessions; service: ConversationService; secret: string; clock: () => Date; logger: Logger; limits: Limits }): Router {
  const { store, sessions, service, logger } = deps;
  const router = express.Router();

  // Widgets upload from customers' pages: the preflight is open; the upload itself checks the
  // site's allowed origins (and authenticates with a header, never a cookie).
  router.options('/', (req, res) => {
    res.set({
      'access-control-allow-origin': String(req.headers.origin ?? '*'),
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'authorization, content-type, x-baton-site, x-file-name, x-client-id, x-conversation-id',
      'access-control-max-age': '600',
      vary: 'origin',
    });
    res.status(204).end();
  });

  router.post(
    '/',
    route(logger, 'attachment-upload', async (req: Request, res) => {
      // Who is asking, what they may send and whether they may send now come first, from the
      // headers alone; the body is read only then, and never past the site's limit.
      try {
        const clientIdOf = () => {
          const clientId = String(req.headers['x-client-id'] ?? '');
          if (!ClientId.test(clientId)) throw new BatonError('bad_request', 'x-client-id: letters, digits, - and _ (1–64).');
          return clientId;
        };
        const maxOf = (site: SiteRecord | null) => Math.min(HARD_LIMIT, typeof site?.settings.attachmentMaxBytes === 'number' ? site.settings.attachmentMaxBytes : DEFAULT_MAX_BYTES);
        let name: string;
        try {
          name = decodeURIComponent(String(req.headers['x-file-name'] ?? 'file')).slice(0, 200);
        } catch {
          throw new BatonError('bad_request', 'x-file-name: percent-encode the file name (UTF-8).');
        }
        const siteKey = req.headers['x-baton-site'];
        if (typeof siteKey === 'string') {
          // A visitor.
          const site = await store.getSiteByKey(siteKey);
          if (!site) throw new BatonError('not_found', 'No such site.');
          const origin = req.headers.origin;
          if (origin && !originAllowed(origin, site.allowedOrigins)) throw new BatonError('origin_not_allowed', 'Chat is not enabled for this page.');
          if (origin) res.set({ 'access-control-allow-origin': origin, vary: 'origin' });
          const token = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : '';
          const visitorId = token ? verifyVisitorToken(deps.secret, site.id, token) : null;
          if (!visitorId) throw new BatonError('unauthorized', 'The visitor token is not valid.');
          const clientId = clientIdOf();
          const max = maxOf(site);
          declaredSize(req, max);
          // The same cost as a chat message: the visitor's pace, and a new conversation's limits.
          const { open, settle } = await admitVisitorMessage({ store, limits: deps.limits }, { site, siteId: site.id, visitorId, ip: req.ip ?? 'unknown', clientId });
          // A retry of a stored upload (lost answer): the stored message, without reading or storing the file again.
          if (await storedMessage(store, open, clientId, 'visitor')) {
            const message = await service.visitorSend({ siteId: site.id, visitorId }, { clientId, body: '' }, open);
            await settle(message);
            res.json({ ok: true, message });
            return;
          }
          // Decoding is paid for by the visitor, by its cost (a megapixel a point).
          const file = await inspect(await readBody(req, res, max), name, max, (pixels) => deps.limits.consume('imageMegapixels', visitorId, Math.max(1, Math.ceil(pixels / 1e6))));
          const message = await service.visitorSend({ siteId: site.id, visitorId }, { clientId, body: file.name, file }, open);
          await settle(message);
          res.json({ ok: true, message });
          return;
        }
        // An agent.
        const token = sessionToken(req);
        const agent = token ? await sessions.agentFor(token) : null;
        if (!agent) throw new BatonError('unauthorized', 'Sign in to send files.');
        const clientId = clientIdOf();
        const conversationId = String(req.headers['x-conversation-id'] ?? '');
        const max = maxOf(await store.getSite(agent.siteId));
        declaredSize(req, max);
        const conversation = ConversationId.test(conversationId) ? await store.getConversation(conversationId) : null;
        const stored = conversation?.siteId === agent.siteId ? await storedMessage(store, conversation, clientId, 'agent') : null;
        if (stored && stored.author.kind === 'agent' && stored.author.id === agent.id) {
          res.json({ ok: true, message: await service.agentSend(agent, { conversationId, clientId, body: stored.body }) });
          return;
        }
        const file = await inspect(await readBody(req, res, max), name, max);
        const message = await service.agentSend(agent, { conversationId, clientId, body: file.name, file });
        res.json({ ok: true, message });
      } catch (error) {
        // Refused before the body was read: close the connection rather than read what is left.
        if (!req.complete) res.set('connection', 'close');
        throw error;
      }
    }),
  );

  router.get(
    '/:id',
    route(logger, 'attachment-get', async (req, res) => {
      const id = String(req.params.id);
      const variant = String(req.query.v ?? 'full');
      const ok = verifyAttachment(deps.secret, id, variant, Number(req.query.exp), String(req.query.sig ?? ''), deps.clock());
      const file = ok ? await store.getAttachment(id) : null;
      if (!file || (variant === 'thumb' && !file.thumb)) throw new BatonError('not_found', 'No such file.');
      const image = isImage(file.type);
      res.set({
        'content-type': variant === 'thumb' ? 'image/webp' : file.type,
        'x-content-type-options': 'nosniff',
        // Even if a browser were tricked into rendering it as a page, nothing in it could run.
        'content-security-policy': "default-src 'none'; img-src 'self'; sandbox",
        'cross-origin-resource-policy': 'cross-origin',
        'content-disposition': `${image ? 'inline' : 'attachment'}; filename="${file.name.replace(/[^\w.-]/g, '_')}"`,
        'cache-control': 'private, max-age=300',
      });
      res.send(variant === 'thumb' ? file.thumb : file.data);
    }),
  );

  return router;
}
