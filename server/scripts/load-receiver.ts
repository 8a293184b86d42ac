// What one simulated client (a visitor, or one agent's console) was actually delivered, counted the
// way issue 9 defines the bench's failures, from the wire rather than from the database:
// - lost: stored (acknowledged) but never delivered live or by a legitimate resume (`afterSeq` = the
//   end of the unbroken run of seqs the client shows, as the widget and the console ask); the caller checks `has`.
// - duplicated: the same message id delivered live twice, or sent again by a resume the client made
//   when it already held it.
// - out of order: a message shown to the person after one with a higher seq of the same
//   conversation. Clients show live messages through the same ReorderBuffer as the widget and
//   the console (widget/src/ui/reorder.ts): one that overtook an earlier one waits up to the hold
//   for it, so only a gap that outlives the hold shows out of order. Deliveries that arrived out
//   of seq order on the wire are counted too (`deliveredOutOfOrder`), for the report, not as a
//   failure; so is a resume whose messages are not in ascending seq (a failure).
// A live copy that arrives while a resume is in flight, or after the resume returned it, is the
// protocol's expected overlap (both widget and console drop it by id): counted, not a failure.

import { ReorderBuffer } from '../../widget/src/ui/reorder.js';
import { resumeAfter } from '../../widget/src/ui/resume.js';

/** How long a client holds a message that overtook an earlier one (the widget's and the console's). */
export const REORDER_HOLD_MS = 1500;

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
  /** Seqs shown to the person (what the client's store holds), and the highest of them. */
  shown: Set<number>;
  shownMax: number;
  /** Shown at all: a console shows a conversation once it opened it; a widget its own at once. */
  open: boolean;
  /** Arrived live before the conversation was opened: shown with what the open brings. */
  unopened: Delivered[];
}

export class Receiver {
  duplicated = 0;
  /** Shown out of seq order (the failure). */
  outOfOrder = 0;
  /** Arrived out of seq order on the wire (held back and shown in order, or not). */
  deliveredOutOfOrder = 0;
  overlap = 0;
  /** `message:new` events received. */
  deliveries = 0;
  /** A few examples of each failure, for the report. */
  readonly examples: string[] = [];
  private tick = 0;
  private readonly threads = new Map<string, Thread>();
  /** What the client does when a gap outlives the hold: fetch what is missing, as the widget and the console do. */
  onGap: ((conversationId: string) => void) | null = null;
  private readonly reorder = new ReorderBuffer<Delivered>({
    holdMs: REORDER_HOLD_MS,
    shownUpTo: (id) => this.lastSeq(id),
    show: (ms) => {
      for (const m of ms) this.show(m, 'live');
    },
    gap: (id) => this.onGap?.(id),
  });

  /** `opensFirst`: a console, which shows a conversation only once it opened it (a widget shows its own at once). */
  constructor(
    readonly name: string,
    private readonly opensFirst = false,
  ) {}

  private show(m: Delivered, how: string) {
    const t = this.thread(m.conversationId);
    if (t.shown.has(m.seq)) return;
    if (m.seq < t.shownMax) {
      this.outOfOrder += 1;
      this.note(`shown out of order (${how}, after #${t.shownMax})`, m);
    }
    t.shown.add(m.seq);
    t.shownMax = Math.max(t.shownMax, m.seq);
  }

  private thread(conversationId: string): Thread {
    let t = this.threads.get(conversationId);
    if (!t) this.threads.set(conversationId, (t = { first: new Map(), live: new Map(), maxSeq: 0, maxBy: '', shown: new Set(), shownMax: 0, open: !this.opensFirst, unopened: [] }));
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
    if (m.seq < t.maxSeq) this.deliveredOutOfOrder += 1;
    t.first.set(m.id, this.tick);
    this.raise(t, m);
    if (t.open) this.reorder.push(m);
    else t.unopened.push(m);
    return true;
  }

  /** A console's first open of a conversation: its history, with what came live meanwhile, shown in order. */
  opened(conversationId: string, messages: Delivered[] = []) {
    const t = this.thread(conversationId);
    if (t.open) return;
    t.open = true;
    for (const m of [...t.unopened, ...messages.filter((x) => x.conversationId === conversationId)]) {
      t.shown.add(m.seq);
      t.shownMax = Math.max(t.shownMax, m.seq);
    }
    t.unopened = [];
  }

  private readonly catchUps = new Map<number, () => void>();

  /**
   * Taken when the client decides what to ask for (with `lastSeq`), before a resume or
   * `conversation:open`; pass it to `resumed`, and to `settled` when the request ends either way.
   * Meanwhile live messages beyond a gap wait for it, as in the widget and the console.
   */
  mark(): number {
    this.tick += 1;
    this.catchUps.set(this.tick, this.reorder.catchingUp());
    return this.tick;
  }

  settled(mark: number) {
    this.catchUps.get(mark)?.();
    this.catchUps.delete(mark);
  }

  /**
   * The messages a resume returned; `mark` is what `mark()` said when it was sent and `afterSeq`
   * what it asked after. Returns the new ones. A message at or below `afterSeq` the client held is
   * a duplicate the server sent; above it, one the client held beyond a gap (dropped by id).
   */
  resumed(messages: Delivered[], mark: number, afterSeq = Infinity): Delivered[] {
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
      } else if (first <= mark && m.seq <= afterSeq) {
        this.duplicated += 1; // the client held it when it asked: the server sent it again
        this.note('duplicated by a resume', m);
      } else this.overlap += 1; // arrived live while the resume was in flight, or held beyond a gap
      if (t.open) this.show(m, 'resume'); // a resume's messages go straight to the store, as in the widget
    }
    for (const id of new Set(messages.map((m) => m.conversationId))) this.opened(id, messages);
    for (const id of new Set(messages.map((m) => m.conversationId))) this.reorder.settle(id);
    this.settled(mark);
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

  /** What a reconnecting client asks for: everything after the unbroken run it shows (ui/resume.ts). */
  lastSeq(conversationId: string): number {
    return resumeAfter(this.threads.get(conversationId)?.shown ?? []);
  }

  /** Messages still held back behind a gap (shown when it fills or the hold ends). */
  get held(): number {
    return this.reorder.held;
  }
}
