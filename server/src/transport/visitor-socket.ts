// The visitor namespace: who may connect (site key, allowed origin, genuine token) and the
// requests a visitor can make. Rooms: `visitor:<id>` holds every tab of one visitor.
import { BatonError, type VisitorClientToServer, VisitorAuth, type VisitorServerToClient, visitorRequests } from '@baton/shared';
import proxyaddr from 'proxy-addr';
import type { Namespace, Socket } from 'socket.io';
import { originAllowed, signVisitorToken, verifyVisitorToken } from '../auth/tokens.js';
import type { Logger } from '../log.js';
import type { Limits } from '../service/limits.js';
import type { ConversationService } from '../service/conversations.js';
import type { Store } from '../store/types.js';
import { refuse, registerRequests } from './requests.js';
import { admitVisitorMessage } from '../service/pace.js';

const notYet = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, async () => { throw new BatonError('voice_unavailable', 'Voice is not wired yet.'); }])) as Record<K, () => Promise<never>>;

interface VisitorData {
  siteId: string;
  visitorId: string;
  token: string;
}
export type VisitorNamespace = Namespace<VisitorClientToServer, VisitorServerToClient, Record<string, never>, VisitorData>;


/** The visitor's address: through trusted proxies (TRUST_PROXY, as for HTTP), the client they name. */
function clientIp(socket: Socket, trust: (addr: string, i: number) => boolean): string {
  const req = { headers: socket.handshake.headers, connection: { remoteAddress: socket.handshake.address } };
  return proxyaddr(req as unknown as Parameters<typeof proxyaddr>[0], trust);
}

export function setupVisitorNamespace(
  nsp: VisitorNamespace,
  deps: { store: Store; service: ConversationService; secret: string; newId: (p: string) => string; logger: Logger; limits: Limits; trustProxy: string[] },
) {
  const { store, service, secret, logger, limits } = deps;
  const trust = proxyaddr.compile(deps.trustProxy);

  nsp.use(async (socket, next) => {
    try {
      const auth = VisitorAuth.safeParse(socket.handshake.auth);
      if (!auth.success) return next(refuse('bad_request', 'A site key is required.'));
      const site = await store.getSiteByKey(auth.data.siteKey);
      if (!site) return next(refuse('not_found', 'No such site.'));
      const origin = socket.handshake.headers.origin;
      if (origin && !originAllowed(origin, site.allowedOrigins)) {
        return next(refuse('origin_not_allowed', 'Chat is not enabled for this page.'));
      }
      let visitorId: string;
      const ip = clientIp(socket, trust);
      if (auth.data.visitorToken) {
        const verified = verifyVisitorToken(secret, site.id, auth.data.visitorToken);
        if (!verified) return next(refuse('unauthorized', 'The visitor token is not valid.'));
        visitorId = verified;
      } else {
        // A new visitor is a row: paced per address, so tokenless connections cannot mint thousands.
        await limits.consume('visitorPerIp', ip);
        visitorId = deps.newId('v');
      }
      const release = limits.openSocket(ip);
      socket.once('disconnect', release);
      socket.data = { siteId: site.id, visitorId, token: signVisitorToken(secret, site.id, visitorId) };
      next();
    } catch (error) {
      if (error instanceof BatonError && error.code === 'rate_limited') return next(refuse('rate_limited', error.message));
      logger.error({ err: error }, 'visitor handshake failed');
      next(refuse('internal', 'Chat is temporarily unavailable.'));
    }
  });

  nsp.on('connection', (socket: Socket) => {
    const data = socket.data as VisitorData;
    void socket.join(`visitor:${data.visitorId}`);
    const ctx = { siteId: data.siteId, visitorId: data.visitorId };
    socket.on('disconnect', () => {
      service.visitorLeft(ctx).catch((err) => logger.error({ err }, 'visitor leave bookkeeping failed'));
    });
    registerRequests(
      socket,
      visitorRequests,
      {
        'session:resume': async (p) => {
          await limits.consume('visitorEvent', data.visitorId);
          return { visitorToken: data.token, visitorId: data.visitorId, ...(await service.resume(ctx, p, socket.handshake.headers['user-agent'])) };
        },
        'conversation:replyLater': async (p) => {
          await limits.consume('visitorEvent', data.visitorId);
          return { conversation: await service.replyLater(ctx, p) };
        },
        'message:send': async (p) => {
          const site = await store.getSite(data.siteId);
          const { open, settle } = await admitVisitorMessage({ store, limits }, { site, siteId: data.siteId, visitorId: data.visitorId, ip: clientIp(socket, trust), clientId: p.clientId });
          const message = await service.visitorSend(ctx, p, open);
          await settle(message);
          return { message };
        },
        'typing:set': async (p) => {
          await limits.consume('visitorEvent', data.visitorId);
          await service.visitorTyping(ctx, p.typing);
          return {};
        },
        'visitor:identify': async (p) => {
          await limits.consume('identify', data.visitorId);
          const { verified, switchTo, otherUser } = await service.identify(ctx, p);
          return { verified, ...(switchTo ? { visitorToken: signVisitorToken(secret, data.siteId, switchTo), ...(otherUser ? { otherUser } : {}) } : {}) };
        },
        'conversation:rate': async (p) => {
          await limits.consume('visitorEvent', data.visitorId);
          await service.rate(ctx, p);
          return {};
        },
        ...notYet(['voice:mode', 'voice:frame', 'voice:end', 'voice:cancel', 'voice:speak', 'call:signal'] as const),
      },
      logger,
    );
  });
}
