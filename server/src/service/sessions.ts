// Agent sessions: sign-in, a random token (the transport carries it in an HttpOnly cookie or as a
// bearer token) stored as SHA-256, and sign-out.
import { BatonError } from '@baton/shared';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { hashToken, newSessionToken } from '../auth/tokens.js';
import type { AgentRecord, Store } from '../store/types.js';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export class Sessions {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  async login(email: string, password: string): Promise<{ agent: AgentRecord; token: string }> {
    const agent = await this.store.getAgentByEmail(email);
    // The same answer, in about the same time, for an unknown email and a wrong password.
    const valid = await verifyPassword(agent?.passwordHash ?? null, password);
    if (!agent || !valid || !agent.active) throw new BatonError('unauthorized', 'Email or password is incorrect.');
    const token = newSessionToken();
    const now = this.clock();
    await this.store.createSession({
      tokenHash: hashToken(token),
      agentId: agent.id,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
    });
    return { agent, token };
  }

  async agentFor(token: string): Promise<AgentRecord | null> {
    return (await this.session(token))?.agent ?? null;
  }

  /** The signed-in agent with their session (which live sockets belong to it, when it ends). */
  async session(token: string): Promise<{ agent: AgentRecord; tokenHash: string; expiresAt: string } | null> {
    const tokenHash = hashToken(token);
    const session = await this.store.getSession(tokenHash, this.clock().toISOString());
    if (!session) return null;
    const agent = await this.store.getAgent(session.agentId);
    return agent?.active ? { agent, tokenHash, expiresAt: session.expiresAt } : null;
  }

  private ended: (tokenHash: string) => void = () => {};

  /** Called with the session's hash when it is signed out (the composition root closes its sockets). */
  onEnded(fn: (tokenHash: string) => void) {
    this.ended = fn;
  }

  /** Signs out this session: the row goes, and its open consoles are disconnected at once. */
  async logout(token: string) {
    const tokenHash = hashToken(token);
    await this.store.deleteSession(tokenHash);
    this.ended(tokenHash);
  }

  static hashPassword = hashPassword;
}
