// Live messages are shown in seq order: one that overtook an earlier one waits for it, briefly.
import { describe, expect, it } from 'vitest';
import { ReorderBuffer, type Sequenced } from '../src/ui/reorder.js';
import { resumeAfter } from '../src/ui/resume.js';
import { manualTimers } from './helpers/manual-timers.js';

const m = (seq: number, conversationId = 'c1'): Sequenced => ({ id: `m${seq}`, seq, conversationId });

function client(holdMs = 1000) {
  const shown: number[] = [];
  const byConversation = new Map<string, number[]>();
  const gaps: string[] = [];
  const clock = manualTimers();
  const store = (ms: Sequenced[]) => {
    for (const x of ms) {
      shown.push(x.seq);
      byConversation.set(x.conversationId, [...(byConversation.get(x.conversationId) ?? []), x.seq]);
    }
  };
  const buffer = new ReorderBuffer<Sequenced>({
    holdMs,
    shownUpTo: (id) => resumeAfter(byConversation.get(id) ?? []),
    show: store,
    gap: (id) => gaps.push(id),
    timers: clock,
  });
  return { shown, gaps, buffer, store, clock };
}

describe('ReorderBuffer', () => {
  it('holds a message that overtook an earlier one until the earlier one arrives', () => {
    const { shown, gaps, buffer, clock } = client();
    buffer.push(m(1));
    buffer.push(m(2));
    buffer.push(m(4));
    buffer.push(m(5));
    expect(shown).toEqual([1, 2]);
    expect(buffer.held).toBe(2);
    buffer.push(m(3));
    expect(shown).toEqual([1, 2, 3, 4, 5]);
    expect(buffer.held).toBe(0);
    clock.advance(5000);
    expect(gaps).toEqual([]);
  });

  it('asks for what is missing when the gap outlives the hold, and shows it in order when it comes', () => {
    const { shown, gaps, buffer, store, clock } = client(1000);
    buffer.push(m(1));
    buffer.push(m(3));
    clock.advance(999);
    expect(gaps).toEqual([]);
    clock.advance(1);
    expect(gaps).toEqual(['c1']); // the missing one's node may have died: a resume fetches it
    expect(shown).toEqual([1]);
    store([m(2)]); // what the resume brought
    buffer.settle('c1');
    expect(shown).toEqual([1, 2, 3]);
  });

  it('shows what it held as it is when even the fetch brings nothing in time', () => {
    const { shown, gaps, buffer, clock } = client(1000);
    buffer.push(m(1));
    buffer.push(m(3));
    clock.advance(1999);
    expect(shown).toEqual([1]);
    clock.advance(1);
    expect(shown).toEqual([1, 3]);
    expect(gaps).toEqual(['c1']);
  });

  it('while a resume is on its way, what is held waits for it past the hold', () => {
    const { shown, gaps, buffer, store, clock } = client(1000);
    buffer.push(m(1));
    const done = buffer.catchingUp();
    buffer.push(m(5));
    clock.advance(3000);
    expect(shown).toEqual([1]);
    store([m(2), m(3), m(4)]); // what the resume brought, straight into the store
    done();
    expect(shown).toEqual([1, 2, 3, 4, 5]);
    expect(gaps).toEqual([]);
  });

  it('shows at once what continues the run, a first message, and each conversation on its own', () => {
    const { shown, buffer } = client();
    buffer.push(m(7)); // nothing shown yet (a conversation loaded later): no gap to wait for
    buffer.push(m(8));
    buffer.push(m(1, 'c2'));
    expect(shown).toEqual([7, 8, 1]);
    buffer.push(m(8)); // a copy of one already shown passes through; the store keeps it once by id
    expect(shown).toEqual([7, 8, 1, 8]);
  });
});
