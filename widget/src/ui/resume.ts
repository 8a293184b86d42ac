// Where a client resumes a conversation after a reconnect. Messages can arrive out of seq order
// (two server nodes deliver at their own pace), so the highest seq held may sit beyond a message
// still on its way: resuming after it would skip that message for good. A client resumes after
// the end of the unbroken run of seqs it holds instead; what comes twice is kept once, by id.
export function resumeAfter(seqs: Iterable<number>): number {
  const held = [...new Set(seqs)].sort((a, b) => a - b);
  if (held.length === 0) return 0;
  // The run starts at the first seq held: a long conversation is loaded from its latest page.
  let end = held[0]!;
  for (const seq of held.slice(1)) {
    if (seq !== end + 1) break;
    end = seq;
  }
  return end;
}
