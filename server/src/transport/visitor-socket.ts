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
import type { VoiceService } from '../service/voice.js';


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
  deps: { store: Store; service: ConversationService; voice: VoiceService; secret: string; newId: (p: string) => string; logger: Logger; limits: Limits; trustProxy: string[] },
) {
  const { store, service, voice, secret, logger, limits } = deps;
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
    /** This tab turned voice mode on: when it closes, the visitor is no longer on voice. */
    let inVoice = false;
    socket.on('disconnect', () => {
      voice.utterances.cancel(socket.id);
      if (inVoice) voice.visitorMode(ctx, false).catch((err) => logger.error({ err }, 'voice mode bookkeeping failed'));
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
        'voice:mode': async (p) => {
          await limits.consume('visitorEvent', data.visitorId);
          const voiceSettings = await voice.visitorMode(ctx, p.on);
          inVoice = p.on;
          return { voice: voiceSettings };
        },
        'voice:frame': async (p) => {
          voice.utterances.frame(socket.id, p.utteranceId, p.seq, p.pcm);
          return {};
        },
        'voice:end': async (p) => {
          const message = await voice.visitorEnd(ctx, socket.id, p, async (body, recording) => {
            const site = await store.getSite(data.siteId);
            const { open, settle } = await admitVisitorMessage({ store, limits }, { site, siteId: data.siteId, visitorId: data.visitorId, ip: clientIp(socket, trust), clientId: p.clientId });
            const sent = await service.visitorSend(ctx, { clientId: p.clientId, body, spoken: true, ...(recording ? { file: recording } : {}) }, open);
            await settle(sent);
            return sent;
          });
          return { message };
        },
        'voice:cancel': async (p) => {
          voice.utterances.cancel(socket.id, p.utteranceId);
          return {};
        },
        'voice:speak': async (p) => voice.speak(ctx, p.messageId),
        'call:signal': async (p) => {
          await service.visitorSignal(ctx, p.signal);
          return {};
        },
      },
      logger,
    );
  });
}
