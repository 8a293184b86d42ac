// Agent sessions: a random token in an HttpOnly cookie (or a bearer token), stored as SHA-256.
import { BatonError } from '@baton/shared';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { hashToken, newSessionToken } from '../auth/tokens.js';
import type { AgentRecord, Store } from '../store/types.js';

export const SESSION_COOKIE = 'baton_session';
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
    const session = await this.store.getSession(hashToken(token), this.clock().toISOString());
    if (!session) return null;
    const agent = await this.store.getAgent(session.agentId);
    return agent?.active ? agent : null;
  }

  logout(token: string) {
    return this.store.deleteSession(hashToken(token));
  }

  static hashPassword = hashPassword;
}
