// The visitor's transcript and outbox: no message lost, none shown twice.
import type { Message } from '@baton/shared';
import { describe, expect, it } from 'vitest';
import { lastSeq, mergeMessages, newClientId, settleOutbox, visibleMessages } from '../src/visitor/messages.js';

const msg = (seq: number, over: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  clientId: `k${seq}`,
  author: { kind: 'visitor' },
  body: `message ${seq}`,
  createdAt: `2026-11-24T10:00:0${seq}.000Z`,
  ...over,
});

describe('visitor transcript', () => {
  it('merges without duplicates and in seq order, whatever order messages arrive in', () => {
    const merged = mergeMessages([msg(1), msg(3)], [msg(2), msg(3), msg(1)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('shows an unsent message once: pending until stored, then as the stored message', () => {
    const outbox = [{ clientId: 'k4', body: 'offline words', createdAt: '2026-11-24T10:00:09.000Z' }];
    const before = visibleMessages([msg(1)], outbox);
    expect(before.map((m) => m.body)).toEqual(['message 1', 'offline words']);
    expect(before[1]?.pending).toBe(true);
    const stored = msg(4, { body: 'offline words' });
    const after = visibleMessages(mergeMessages([msg(1)], [stored]), settleOutbox(outbox, [stored]));
    expect(after.map((m) => m.body)).toEqual(['message 1', 'offline words']);
    expect(after.some((m) => m.pending)).toBe(false);
  });

  it('keeps everything the server has not acknowledged in the outbox', () => {
    const outbox = [
      { clientId: 'a', body: '1', createdAt: '' },
      { clientId: 'b', body: '2', createdAt: '' },
    ];
    expect(settleOutbox(outbox, [msg(1, { clientId: 'a' })]).map((o) => o.clientId)).toEqual(['b']);
    expect(settleOutbox(outbox, [])).toEqual(outbox);
  });

  it('resumes after the unbroken run of seqs held of the current conversation, never beyond a gap', () => {
    expect(lastSeq([msg(1), msg(2), msg(3), msg(2, { conversationId: 'c0', seq: 9 })], 'c1')).toBe(3);
    // 5 arrived before 4 (another node was slower): resuming after 5 would lose 4 for good.
    expect(lastSeq([msg(1), msg(2), msg(3), msg(5)], 'c1')).toBe(3);
    expect(lastSeq([msg(3), msg(1), msg(2)], 'c1')).toBe(3);
    // A long conversation loaded from its latest page starts its run there.
    expect(lastSeq([msg(501), msg(502), msg(503)], 'c1')).toBe(503);
    expect(lastSeq([], 'c1')).toBe(0);
    expect(lastSeq([msg(1)], null)).toBe(0);
  });

  it('makes client ids the server accepts, different every time', () => {
    const ids = new Set(Array.from({ length: 200 }, newClientId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});
