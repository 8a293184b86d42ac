// The conversations behind a number on the analytics page. The report carries the first 200 of
// each; the list reads them described (when, status, intent, trigger, team, verdict) and "Show
// more" the rest, page by page, from /api/admin/metrics/conversations.
import type { DrillPage, DrillRow } from '@baton/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AdminResult } from './admin-api.js';

export interface DrillRequest {
  title: string;
  /** The number's path in the report, segments escaped (see `metricPath`). */
  metric: string;
  /** The range and filters the report was loaded with, as a query string. */
  query: string;
  ids: string[];
  total: number;
}

/** A number's path in the report: keys joined by dots, `~` written `~0` and `.` written `~1`. */
export const metricPath = (keys: string[]) => keys.map((k) => k.replaceAll('~', '~0').replaceAll('.', '~1')).join('.');

const PAGE = 200;

const STATUS: Record<string, string> = { bot: 'with the bot', queued: 'waiting', agent: 'with an agent', closed: 'resolved' };
const words = (s: string) => s.replace(/_/g, ' ');
function describe(r: DrillRow): string {
  const when = new Date(r.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const parts = [when, words(r.intent), r.trigger && words(r.trigger), r.team !== 'none' && r.team, STATUS[r.status] ?? r.status, r.outcome && words(r.outcome), r.verdict && `judged ${words(r.verdict)}`, r.csat !== null && `rated ${r.csat}/5`];
  return parts.filter(Boolean).join(' · ');
}

export function Drill({ request, onOpenConversation }: { request: DrillRequest; onOpenConversation: (id: string) => void }) {
  const [ids, setIds] = useState(request.ids);
  const [rows, setRows] = useState<Record<string, DrillRow>>({});
  const [total, setTotal] = useState(request.total);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // The list opens below the numbers: take the reader there.
  useEffect(() => {
    heading.current?.focus();
    if (request.total > 0) void page(0); // the first page again, described
  }, []);

  async function page(offset: number) {
    setBusy(true);
    setError(null);
    const url = `/api/admin/metrics/conversations?${request.query}${request.query ? '&' : ''}metric=${encodeURIComponent(request.metric)}&offset=${offset}&limit=${PAGE}`;
    const res = await fetch(url, { credentials: 'same-origin' }).catch(() => null);
    const body = res ? ((await res.json().catch(() => null)) as AdminResult<DrillPage> | null) : null;
    setBusy(false);
    if (body?.ok) {
      const fresh = body.ids;
      setIds((shown) => {
        const known = new Set(shown);
        return [...shown, ...fresh.filter((id) => !known.has(id))];
      });
      setRows((known) => ({ ...known, ...Object.fromEntries(body.conversations.map((r) => [r.id, r])) }));
      setTotal(body.total);
    } else setError(body?.error?.message ?? 'The conversations could not be loaded.');
  }

  return (
    <div class="drill" role="region" aria-label={request.title}>
      <h3 ref={heading} tabIndex={-1}>
        {request.title} ({total})
      </h3>
      {ids.length < total && (
        <p class="muted">
          Showing {ids.length} of {total}.
        </p>
      )}
      <ul>
        {ids.map((id) => (
          <li key={id}>
            <button type="button" class="link" onClick={() => onOpenConversation(id)}>
              {rows[id] ? describe(rows[id]!) : id}
            </button>{' '}
            <span class="muted">{id}</span>{' '}
            <a href={`/api/admin/eval-cases?conversationId=${encodeURIComponent(id)}`} download>
              eval case
            </a>
          </li>
        ))}
      </ul>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {ids.length < total && (
        <button type="button" onClick={() => void page(ids.length)} disabled={busy}>
          {busy ? 'Loading…' : `Show more (${total - ids.length} left)`}
        </button>
      )}
    </div>
  );
}
