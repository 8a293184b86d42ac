// The one queue order, for the server (routing, places in line, the agents' list) and the console
// alike. No zod here: the console imports it on its own (`@baton/shared/queue-order`).

export interface QueueRank {
  priority: number;
  queuedAt: string | null;
  id: string;
}

/** Priority (higher first), then the longest wait, then the id for a stable order. */
export function queueOrder(a: QueueRank, b: QueueRank): number {
  return b.priority - a.priority || (a.queuedAt ?? '').localeCompare(b.queuedAt ?? '') || a.id.localeCompare(b.id);
}
