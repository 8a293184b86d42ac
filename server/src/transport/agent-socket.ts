// The agent namespace: a session (cookie or handshake token) is required; agents join their
// site's room and the rooms of conversations they open.
import { type AgentClientToServer, AgentAuth, type AgentServerToClient, agentRequests, BatonError } from '@baton/shared';
import { parse as parseCookie } from 'cookie';
import type { Namespace, Socket } from 'socket.io';
import type { Logger } from '../log.js';
import type { ConversationService } from '../service/conversations.js';
import type { ConnectionPresence } from '../service/presence.js';
import type { VoiceService } from '../service/voice.js';
import type { AgentRecord } from '../store/types.js';
import { refuse, registerRequests } from './requests.js';
import type { ConsoleOrigins } from './origin.js';
import type { Sessions } from '../service/sessions.js';
import { SESSION_COOKIE } from './sessions.js';

interface AgentData {
  agent: AgentRecord;
  /** The session this console signed in with: its sockets share the room `session:<hash>`. */
  session: { tokenHash: string; expiresAt: string };
}

/** setTimeout's longest delay (about 24.8 days); sessions are far shorter. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The room of every socket opened with one session (signing out closes them, on every node). */
export const sessionRoom = (tokenHash: string) => `session:${tokenHash}`;
export type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient, Record<string, never>, AgentData>;


export function setupAgentNamespace(nsp: AgentNamespace, deps: { sessions: Sessions; service: ConversationService; voice: VoiceService; presence: ConnectionPresence; logger: Logger; origins: ConsoleOrigins; clock: () => Date }) {
  const { sessions, service, voice, presence, logger } = deps;

  nsp.use(async (socket, next) => {
    try {
      // Only the console's own page may open it: another site's page would ride on the cookie.
      const origin = socket.handshake.headers.origin;
      if (origin && !deps.origins.allowed(origin, socket.handshake.headers.host, deps.origins.socketProtocol(socket.handshake))) {
        return next(refuse('origin_not_allowed', 'The console only accepts connections from its own page.'));
      }
      const auth = AgentAuth.safeParse(socket.handshake.auth ?? {});
      const cookieHeader = socket.handshake.headers.cookie;
      const token = (auth.success ? auth.data.token : undefined) ?? (cookieHeader ? parseCookie(cookieHeader)[SESSION_COOKIE] : undefined);
      const signedIn = token ? await sessions.session(token) : null;
      if (!signedIn) return next(refuse('unauthorized', 'Sign in to use the console.'));
      socket.data = { agent: signedIn.agent, session: { tokenHash: signedIn.tokenHash, expiresAt: signedIn.expiresAt } };
      next();
    } catch (error) {
      logger.error({ err: error }, 'agent handshake failed');
      next(refuse('internal', 'The console is temporarily unavailable.'));
    }
  });

  nsp.on('connection', (socket: Socket) => {
    const { agent, session } = socket.data as AgentData;
    void socket.join(sessionRoom(session.tokenHash));
    // A session ends at its expiry even for a console that stays connected and quiet; every
    // request checks it too (against the injected clock).
    const expiresAt = Date.parse(session.expiresAt);
    const expired = () => deps.clock().getTime() >= expiresAt;
    const expiry = setTimeout(() => socket.disconnect(true), Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - deps.clock().getTime())));
    expiry.unref();
    void socket.join(`site:${agent.siteId}`);
    /** Joins a conversation's room: the service calls it once the agent may see the conversation. */
    const watch = (conversationId: string) => async () => {
      await socket.join(`conv:${conversationId}`);
    };
    // Agents coming and going change routing and every waiting visitor's estimate.
    void socket.join(`agent:${agent.id}`);
    // The connection row first, so every node counts this tab before the queue is re-routed.
    const joined = presence.joined(socket.id, agent).then(() => service.agentConnected(agent));
    joined.catch((err) => logger.error({ err }, 'agent presence update failed'));
    socket.on('disconnect', () => {
      clearTimeout(expiry);
      voice.utterances.cancel(socket.id);
      joined
        .catch(() => {})
        .then(() => presence.left(socket.id))
        .then(() => service.agentDisconnected(agent))
        .catch((err) => logger.error({ err }, 'agent presence update failed'));
    });
    registerRequests(
      socket,
      agentRequests,
      {
        'queue:list': async () => ({ conversations: await service.queue(agent) }),
        // An open joins the room after the authorization check and before the read: a message
        // stored between a read and a later join would reach this agent neither way (found by
        // bench:load). What arrives both live and in the read is one message; clients keep it once.
        'conversation:open': async (p) => service.open(agent, p, watch(p.conversationId)),
        'conversation:claim': async (p) => {
          // Only the winner watches (the console opened it before, which joined the room already).
          const conversation = await service.claim(agent, p.conversationId);
          await watch(p.conversationId)();
          return { conversation };
        },
        'message:send': async (p) => ({ message: await service.agentSend(agent, p) }),
        'conversation:handBack': async (p) => ({ conversation: await service.handBack(agent, p.conversationId) }),
        'conversation:resolve': async (p) => ({ conversation: await service.resolve(agent, p.conversationId, p.outcome) }),
        'conversation:transfer': async (p) => ({ conversation: await service.transfer(agent, p) }),
        'conversation:verdict': async (p) => ({ conversation: await service.verdict(agent, p) }),
        'conversation:repeated': async (p) => ({ conversation: await service.markRepeated(agent, p) }),
        'note:add': async (p) => ({ note: await service.addNote(agent, p) }),
        'agents:list': async () => ({ agents: await service.agents(agent) }),
        'presence:set': async (p) => ({ agent: await service.setPresence(agent, p.presence) }),
        'typing:set': async (p) => {
          await service.agentTyping(agent, p);
          return {};
        },
        'conversation:read': async (p) => {
          await service.markRead(agent, p);
          return {};
        },
        'call:join': async (p) => {
          const conversation = await service.joinCall(agent, p.conversationId);
          await watch(p.conversationId)();
          return { conversation, iceServers: voice.iceServers };
        },
        'call:signal': async (p) => {
          await service.agentSignal(agent, p);
          return {};
        },
        'voice:frame': async (p) => {
          voice.utterances.frame(socket.id, p.utteranceId, p.seq, p.pcm);
          return {};
        },
        'voice:end': async (p) => ({ message: await voice.agentEnd(agent, socket.id, p) }),
        'voice:cancel': async (p) => {
          voice.utterances.cancel(socket.id, p.utteranceId);
          return {};
        },
      },
      logger,
      () => {
        if (!expired()) return;
        // Answer this request, then close the console: the session is over.
        setImmediate(() => socket.disconnect(true));
        throw new BatonError('unauthorized', 'Your session has ended. Sign in again.');
      },
    );
  });
}
