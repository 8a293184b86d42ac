// The analytics page (admins): the seed's handoff-quality questions on one page, from stored
// facts. Every number opens the conversations behind it; judged escalations export as eval cases.
import { useEffect, useState } from 'preact/hooks';
import { Trend } from './Trend.js';

interface Counted {
  count: number;
  ids: string[];
}
interface Quantiles {
  n: number;
  p50: number | null;
  p90: number | null;
}
interface Outcomes {
  conversations: number;
  rated: number;
  csatAverage: number | null;
  resolutionRate: number | null;
  conversionRate: number | null;
}
interface Report {
  conversations: number;
  escalated: Counted;
  timeToHuman: { firstReplySeconds: Quantiles; claimSeconds: Quantiles; byTeam: Record<string, Quantiles> };
  repetition: { escalated: number; detected: Counted; confirmed: Counted; withoutRepetition: Counted; rate: number | null };
  intents: Array<{ intent: string; escalations: number; triggers: Record<string, number>; ids: string[] }>;
  helped: { botOnly: Outcomes; escalated: Outcomes; byTrigger: Record<string, Outcomes> };
  verdicts: { judged: number; byVerdict: Record<string, Counted>; byTrigger: Record<string, Record<string, number>> };
  botResolution: { botOnly: number; resolved: Counted; rate: number | null };
  abandonment: { queued: number; abandoned: Counted; rate: number | null };
  waitEstimate: { n: number; meanAbsoluteErrorMinutes: number | null; ids: string[] };
  daily: Array<{ day: string; conversations: number; escalated: number; csatAverage: number | null }>;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);
const dur = (s: number | null) => (s === null ? '—' : s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);
const num = (n: number | null) => (n === null ? '—' : String(n));
const VERDICTS: Record<string, string> = { right: 'Right call', too_early: 'Too early', too_late: 'Too late', wrong_reason: 'Wrong reason' };

export function Analytics({ onOpenConversation }: { onOpenConversation: (id: string) => void }) {
  const [from, setFrom] = useState(day(new Date(Date.now() - 29 * 86_400_000)));
  const [to, setTo] = useState(day(new Date()));
  const [report, setReport] = useState<Report | null>(null);
  const [loaded, setLoaded] = useState<{ from: string; to: string }>({ from, to });
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<{ title: string; ids: string[] } | null>(null);

  async function load() {
    setError(null);
    const res = await fetch(`/api/admin/metrics?from=${from}&to=${to}`, { credentials: 'same-origin' }).catch(() => null);
    const body = res ? ((await res.json()) as { ok: boolean; report?: Report; error?: { message: string } }) : null;
    if (body?.ok && body.report) {
      setReport(body.report);
      setLoaded({ from, to });
    }
    else setError(body?.error?.message ?? 'The report could not be loaded.');
  }
  useEffect(() => {
    void load();
  }, []);

  const Link = ({ title, c, children }: { title: string; c: { ids: string[] }; children: preact.ComponentChildren }) => (
    <button type="button" class="link" onClick={() => setShown({ title, ids: c.ids })} disabled={c.ids.length === 0}>
      {children}
    </button>
  );

  return (
    <section class="analytics" aria-label="Analytics">
      <form
        class="range"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <h2>Handoff quality</h2>
        <label>
          From <input type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          To <input type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">Show</button>
        <a class="button" href={`/api/admin/eval-cases?from=${from}&to=${to}`} download>
          Export judged escalations as eval cases
        </a>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {report && (
        <>
          <div class="cards">
            <div class="card-stat">
              <span class="muted">Escalated</span>
              <Link title="Escalated conversations" c={report.escalated}>
                <strong>{report.escalated.count}</strong>
              </Link>
              <span class="muted">of {report.conversations}</span>
            </div>
            <div class="card-stat">
              <span class="muted">Time to first human reply</span>
              <strong>{dur(report.timeToHuman.firstReplySeconds.p50)}</strong>
              <span class="muted">p90 {dur(report.timeToHuman.firstReplySeconds.p90)}</span>
            </div>
            <div class="card-stat">
              <span class="muted">Customers had to repeat</span>
              <strong>{pct(report.repetition.rate)}</strong>
              <span class="muted">
                detected <Link title="Repetition detected automatically" c={report.repetition.detected}>{report.repetition.detected.count}</Link> · confirmed by agents{' '}
                <Link title="Repetition confirmed by agents" c={report.repetition.confirmed}>{report.repetition.confirmed.count}</Link>
              </span>
            </div>
            <div class="card-stat">
              <span class="muted">Bot resolution</span>
              <strong>{pct(report.botResolution.rate)}</strong>
              <Link title="Resolved by the bot" c={report.botResolution.resolved}>
                <span class="muted">{report.botResolution.resolved.count} of {report.botResolution.botOnly}</span>
              </Link>
            </div>
            <div class="card-stat">
              <span class="muted">Queue abandonment</span>
              <strong>{pct(report.abandonment.rate)}</strong>
              <Link title="Left the queue" c={report.abandonment.abandoned}>
                <span class="muted">{report.abandonment.abandoned.count} of {report.abandonment.queued}</span>
              </Link>
            </div>
            <div class="card-stat">
              <span class="muted">Wait-estimate error</span>
              <strong>{report.waitEstimate.meanAbsoluteErrorMinutes === null ? '—' : `${report.waitEstimate.meanAbsoluteErrorMinutes} min`}</strong>
              <span class="muted">over {report.waitEstimate.n}</span>
            </div>
          </div>

          <h3>Timing verdicts</h3>
          <table aria-label="Timing verdicts">
            <thead>
              <tr>
                <th>Trigger</th>
                {Object.keys(VERDICTS).map((v) => (
                  <th>{VERDICTS[v]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Object.entries(report.verdicts.byTrigger).map(([trigger, counts]) => (
                <tr>
                  <td>{trigger.replace(/_/g, ' ')}</td>
                  {Object.keys(VERDICTS).map((v) => (
                    <td>{counts[v] ?? 0}</td>
                  ))}
                </tr>
              ))}
              <tr>
                <td>
                  <strong>All</strong>
                </td>
                {Object.keys(VERDICTS).map((v) => (
                  <td>
                    <Link title={VERDICTS[v]!} c={report.verdicts.byVerdict[v] ?? { ids: [] }}>
                      {report.verdicts.byVerdict[v]?.count ?? 0}
                    </Link>
                  </td>
                ))}
              </tr>
            </tbody>
          </table>

          <h3>Intents that escalate most</h3>
          <table aria-label="Intents that escalate most">
            <thead>
              <tr>
                <th>Intent</th>
                <th>Escalations</th>
                <th>Triggers</th>
              </tr>
            </thead>
            <tbody>
              {report.intents.map((i) => (
                <tr>
                  <td>{i.intent.replace(/_/g, ' ')}</td>
                  <td>
                    <Link title={`Escalations: ${i.intent}`} c={i}>
                      {i.escalations}
                    </Link>
                  </td>
                  <td>{Object.entries(i.triggers).map(([t, n]) => `${t.replace(/_/g, ' ')} ${n}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h3>Did escalation help?</h3>
          <table aria-label="Did escalation help?">
            <thead>
              <tr>
                <th />
                <th>Conversations</th>
                <th>CSAT</th>
                <th>Resolved</th>
                <th>Conversion</th>
              </tr>
            </thead>
            <tbody>
              {[['Bot only', report.helped.botOnly] as const, ['Escalated', report.helped.escalated] as const, ...Object.entries(report.helped.byTrigger).map(([t, o]) => [`… ${t.replace(/_/g, ' ')}`, o] as const)].map(([label, o]) => (
                <tr>
                  <td>{label}</td>
                  <td>{o.conversations}</td>
                  <td>
                    {num(o.csatAverage)} <span class="muted">({o.rated} rated)</span>
                  </td>
                  <td>{pct(o.resolutionRate)}</td>
                  <td>{pct(o.conversionRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h3>Per day</h3>
          <Trend daily={report.daily} from={loaded.from} to={loaded.to} />
        </>
      )}
      {shown && (
        <div class="drill" role="region" aria-label={shown.title}>
          <h3>
            {shown.title} ({shown.ids.length})
          </h3>
          <ul>
            {shown.ids.map((id) => (
              <li>
                <button type="button" class="link" onClick={() => onOpenConversation(id)}>
                  {id}
                </button>{' '}
                <a href={`/api/admin/eval-cases?conversationId=${id}`} download>
                  eval case
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
