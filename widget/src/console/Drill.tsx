// The conversations behind a number on the analytics page. The report carries the first 200 of
// each; "Show more" reads the rest page by page from /api/admin/metrics/conversations.
import { useEffect, useRef, useState } from 'preact/hooks';

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

export function Drill({ request, onOpenConversation }: { request: DrillRequest; onOpenConversation: (id: string) => void }) {
  const [ids, setIds] = useState(request.ids);
  const [total, setTotal] = useState(request.total);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // The list opens below the numbers: take the reader there.
  useEffect(() => heading.current?.focus(), []);

  async function more() {
    setBusy(true);
    setError(null);
    const url = `/api/admin/metrics/conversations?${request.query}${request.query ? '&' : ''}metric=${encodeURIComponent(request.metric)}&offset=${ids.length}&limit=${PAGE}`;
    const res = await fetch(url, { credentials: 'same-origin' }).catch(() => null);
    const body = res ? ((await res.json().catch(() => null)) as { ok: boolean; total?: number; ids?: string[]; error?: { message: string } } | null) : null;
    setBusy(false);
    if (body?.ok && body.ids) {
      const known = new Set(ids);
      setIds([...ids, ...body.ids.filter((id) => !known.has(id))]);
      setTotal(body.total ?? total);
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
              {id}
            </button>{' '}
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
        <button type="button" onClick={() => void more()} disabled={busy}>
          {busy ? 'Loading…' : `Show more (${total - ids.length} left)`}
        </button>
      )}
    </div>
  );
}
