// Live messages in seq order, as a person reads them. Two server nodes deliver at their own pace,
// so a message can arrive after a later one of the same conversation. A message beyond a gap is
// held back (up to `holdMs`) until the missing one arrives; if it does not (its node died before
// delivering it), `gap` asks the server for what is missing (a resume) and the hold goes on while
// it is on its way, up to `holdMs` more; only then is what is held shown as it is. The widget, the console and the load
// bench (which counts what would be shown out of order) use this one class.
import { realTimers, type TimerId, type Timers } from './timers.js';

export interface Sequenced {
  id: string;
  seq: number;
  conversationId: string;
}

export interface ReorderOptions<M extends Sequenced> {
  holdMs: number;
  /** The end of the unbroken run of seqs the client shows for the conversation (0: none yet). */
  shownUpTo: (conversationId: string) => number;
  /** Shows messages, in seq order. */
  show: (messages: M[]) => void;
  /** A gap outlived the hold: fetch what is missing. */
  gap?: (conversationId: string) => void;
  timers?: Timers;
}

export class ReorderBuffer<M extends Sequenced> {
  private readonly pending = new Map<string, M[]>();
  private readonly timers = new Map<string, TimerId>();
  /** Conversations whose gap was asked for (the second stage of the hold). */
  private readonly asked = new Set<string>();
  private catchUps = 0;

  private readonly clock: Timers;

  constructor(private readonly options: ReorderOptions<M>) {
    this.clock = options.timers ?? realTimers;
  }

  /**
   * While a resume is on its way (after a reconnect), what is held waits for it however long it
   * takes: the resume brings the missing messages. `done` ends the wait and shows what is ready.
   */
  catchingUp(): () => void {
    this.catchUps += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.catchUps -= 1;
      for (const id of [...this.pending.keys()]) this.settle(id);
    };
  }

  push(m: M): void {
    const end = this.options.shownUpTo(m.conversationId);
    if (end === 0 || m.seq <= end + 1) {
      this.options.show([m]);
      this.settle(m.conversationId);
      return;
    }
    const list = this.pending.get(m.conversationId) ?? [];
    if (!list.some((p) => p.id === m.id)) list.push(m);
    this.pending.set(m.conversationId, list);
    if (!this.timers.has(m.conversationId)) {
      this.timers.set(m.conversationId, this.clock.setTimeout(() => this.expire(m.conversationId), this.options.holdMs));
    }
  }

  /** Shows what the run now reaches (after a message or a resume filled the gap). */
  settle(conversationId: string): void {
    const list = this.pending.get(conversationId);
    if (!list) return;
    list.sort((a, b) => a.seq - b.seq);
    let end = this.options.shownUpTo(conversationId);
    const ready: M[] = [];
    while (list.length > 0 && list[0]!.seq <= end + 1) {
      const next = list.shift()!;
      ready.push(next);
      end = Math.max(end, next.seq);
    }
    if (ready.length > 0) this.options.show(ready);
    if (list.length === 0) this.clear(conversationId);
  }

  /** Messages held back right now, for any conversation. */
  get held(): number {
    let n = 0;
    for (const list of this.pending.values()) n += list.length;
    return n;
  }

  /** Drops everything held (the client starts over, e.g. a logout). */
  reset(): void {
    for (const id of [...this.timers.keys()]) this.clear(id);
    this.pending.clear();
  }

  private expire(conversationId: string) {
    this.timers.delete(conversationId);
    const again = () => this.timers.set(conversationId, this.clock.setTimeout(() => this.expire(conversationId), this.options.holdMs));
    if (this.catchUps > 0) return again();
    if (this.options.gap && !this.asked.has(conversationId)) {
      this.asked.add(conversationId);
      this.options.gap(conversationId);
      return again();
    }
    this.asked.delete(conversationId);
    const list = this.pending.get(conversationId) ?? [];
    this.pending.delete(conversationId);
    if (list.length > 0) this.options.show(list.sort((a, b) => a.seq - b.seq));
  }

  private clear(conversationId: string) {
    this.asked.delete(conversationId);
    this.clock.clearTimeout(this.timers.get(conversationId));
    this.timers.delete(conversationId);
    this.pending.delete(conversationId);
  }
}
