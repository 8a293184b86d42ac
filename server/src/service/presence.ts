// Who has a console open, across every node, from the database rather than by asking the other
// nodes: each console socket is a row its node refreshes on a heartbeat. A node that dies stops
// refreshing; its rows go stale (no longer count) and are swept, and the agents they belonged to
// go through the usual grace period. Wall-clock time on purpose: this is about live sockets, not
// about the service clock tests may move. It is a parameter only so a unit test can step it (#20).
import type { Store } from '../store/types.js';
import type { Presence } from './conversations.js';

export interface PresenceTiming {
  /** How often a node refreshes its rows. */
  heartbeatMs: number;
  /** A row not refreshed for this long no longer counts as connected. */
  staleMs: number;
}

export const DEFAULT_PRESENCE_TIMING: PresenceTiming = { heartbeatMs: 5_000, staleMs: 20_000 };

export class ConnectionPresence implements Presence {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    readonly nodeId: string,
    readonly visitorConnected: (visitorId: string) => Promise<boolean>,
    private readonly timing: PresenceTiming = DEFAULT_PRESENCE_TIMING,
    private readonly wallClock: () => number = Date.now,
  ) {}

  private now(): string {
    return new Date(this.wallClock()).toISOString();
  }

  private staleBefore(): string {
    return new Date(this.wallClock() - this.timing.staleMs).toISOString();
  }

  joined(socketId: string, agent: { id: string; siteId: string }): Promise<void> {
    return this.store.addConnection({ socketId, agentId: agent.id, siteId: agent.siteId, nodeId: this.nodeId, at: this.now() });
  }

  left(socketId: string): Promise<void> {
    return this.store.removeConnection(socketId);
  }

  connectedAgents(siteId: string): Promise<Set<string>> {
    return this.store.connectedAgentIds(siteId, this.staleBefore());
  }

  /** Refreshes this node's rows and sweeps other nodes' stale ones; `orphaned` hears whose they were. */
  async beat(orphaned: (agents: Array<{ agentId: string; siteId: string }>) => Promise<void>): Promise<void> {
    await this.store.touchConnections(this.nodeId, this.now());
    const stale = await this.store.sweepConnections(this.staleBefore());
    if (stale.length) await orphaned(stale);
  }

  start(orphaned: (agents: Array<{ agentId: string; siteId: string }>) => Promise<void>, onError: (err: unknown) => void): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.beat(orphaned).catch(onError), this.timing.heartbeatMs);
    this.timer.unref();
  }

  /** Graceful stop: this node's consoles are gone now, not after the stale period. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.store.removeNodeConnections(this.nodeId);
  }
}
