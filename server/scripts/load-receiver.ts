// What one simulated client (a visitor, or one agent's console) was actually delivered, counted the
// way issue 9 defines the bench's failures, from the wire rather than from the database:
// - lost: stored (acknowledged) but never delivered live or by a legitimate resume (`afterSeq` = the
//   highest seq the client holds, as the widget and the console ask); the caller checks `has`.
// - duplicated: the same message id delivered live twice, or sent again by a resume the client made
//   when it already held it.
// - out of order: a new message delivered live after one with a higher seq of the same
//   conversation, or a resume whose messages are not in ascending seq.
// A live copy that arrives while a resume is in flight, or after the resume returned it, is the
// protocol's expected overlap (both widget and console drop it by id): counted, not a failure.

export interface Delivered {
  id: string;
  seq: number;
  conversationId: string;
  clientId?: string;
  author?: { kind: string };
}

interface Thread {
  /** id → the tick at which it first arrived (by any path). */
  first: Map<string, number>;
  /** id → how many times it arrived live. */
  live: Map<string, number>;
  maxSeq: number;
  /** The message that brought maxSeq, for the report. */
  maxBy: string;
}

export class Receiver {
  duplicated = 0;
  outOfOrder = 0;
  overlap = 0;
  /** `message:new` events received. */
  deliveries = 0;
  /** A few examples of each failure, for the report. */
  readonly examples: string[] = [];
  private tick = 0;
  private readonly threads = new Map<string, Thread>();

  constructor(readonly name: string) {}

  private thread(conversationId: string): Thread {
    let t = this.threads.get(conversationId);
    if (!t) this.threads.set(conversationId, (t = { first: new Map(), live: new Map(), maxSeq: 0, maxBy: '' }));
    return t;
  }

  private note(what: string, m: Delivered) {
    if (this.examples.length < 5) this.examples.push(`${this.name} ${what} ${m.conversationId}#${m.seq} ${m.author?.kind}:${m.clientId}`);
  }

  /** A `message:new` event. Returns true when it is new to this client. */
  live(m: Delivered): boolean {
    const t = this.thread(m.conversationId);
    this.tick += 1;
    this.deliveries += 1;
    const times = (t.live.get(m.id) ?? 0) + 1;
    t.live.set(m.id, times);
    if (times > 1) {
      this.duplicated += 1;
      this.note('duplicated live', m);
      return false;
    }
    if (t.first.has(m.id)) {
      this.overlap += 1; // a resume brought it first; this live copy was already on its way
      return false;
    }
    if (m.seq < t.maxSeq) {
      this.outOfOrder += 1;
      this.note(`out of order live (after #${t.maxSeq} ${t.maxBy})`, m);
    }
    t.first.set(m.id, this.tick);
    this.raise(t, m);
    return true;
  }

  /** Taken when the client decides what to ask for (with `lastSeq`), before a resume or `conversation:open`; pass it to `resumed`. */
  mark(): number {
    return this.tick;
  }

  /** The messages a resume returned; `mark` is what `mark()` said when it was sent. Returns the new ones. */
  resumed(messages: Delivered[], mark: number): Delivered[] {
    const fresh: Delivered[] = [];
    let previous = -Infinity;
    for (const m of messages) {
      const t = this.thread(m.conversationId);
      this.tick += 1;
      if (m.seq <= previous) {
        this.outOfOrder += 1;
        this.note(`out of order in a resume (after #${previous})`, m);
      }
      previous = m.seq;
      const first = t.first.get(m.id);
      if (first === undefined) {
        t.first.set(m.id, this.tick);
        this.raise(t, m);
        fresh.push(m);
      } else if (first <= mark) {
        this.duplicated += 1; // the client held it when it asked: the server sent it again
        this.note('duplicated by a resume', m);
      } else this.overlap += 1; // arrived live while the resume was in flight
    }
    return fresh;
  }

  private raise(t: Thread, m: Delivered) {
    if (m.seq <= t.maxSeq) return;
    t.maxSeq = m.seq;
    t.maxBy = `${m.author?.kind}:${m.clientId}`;
  }

  has(conversationId: string, id: string): boolean {
    return this.threads.get(conversationId)?.first.has(id) ?? false;
  }

  /** What a reconnecting client asks for: everything after the highest seq it holds. */
  lastSeq(conversationId: string): number {
    return this.threads.get(conversationId)?.maxSeq ?? 0;
  }
}
