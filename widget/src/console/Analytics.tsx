// The analytics page (admins): the seed's handoff-quality questions on one page, from stored
// facts, filtered by range, team, intent and trigger. Every number opens the conversations behind
// it (Drill); judged escalations export as eval cases. Definitions: docs/metrics.md.
import type { Counted, HandoffReport, MetricsReport, Quantiles, Timing, VerdictCells } from '@baton/shared';
import { type ComponentChildren, createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { AdminResult } from './admin-api.js';
import { Drill, type DrillRequest, metricPath } from './Drill.js';
import { Trend } from './Trend.js';

interface Query {
  from: string;
  to: string;
  team: string;
  intent: string;
  trigger: string;
}
/** The conversations behind a number: the first ones (as the report carries them) and how many in all. */
interface Behind {
  ids: string[];
  total: number;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);
const dur = (s: number | null) => (s === null ? '—' : s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);
const num = (n: number | null) => (n === null ? '—' : String(n));
const words = (key: string) => key.replace(/_/g, ' ');
const VERDICTS: Record<string, string> = { right: 'Right call', too_early: 'Too early', too_late: 'Too late', wrong_reason: 'Wrong reason' };
const counted = (c: Counted | undefined): Behind => ({ ids: c?.ids ?? [], total: c?.count ?? 0 });
const measured = (q: Quantiles): Behind => ({ ids: q.ids, total: q.n });
const queryOf = (q: Query) =>
  new URLSearchParams(Object.entries(q).filter(([, v]) => v !== '') as Array<[string, string]>).toString();
const filtered = (q: Query) => q.team !== '' || q.intent !== '' || q.trigger !== '';

/** Opens the conversations behind a number (the page provides it, with the loaded range and filters). */
const Show = createContext<(title: string, path: string[], of: Behind) => void>(() => {});

/** A number that opens the conversations behind it; `path` is its place in the report. */
function Link({ title, path, of, label, children }: { title: string; path: string[]; of: Behind; label?: string; children: ComponentChildren }) {
  const show = useContext(Show);
  return (
    <button type="button" class="link" aria-label={label} disabled={of.total === 0} onClick={() => show(title, path, of)}>
      {children}
    </button>
  );
}

type Field = 'team' | 'intent' | 'trigger';
function Select({ name, field, value, values, all, onChoose }: { name: string; field: Field; value: string; values: string[]; all: string; onChoose: (field: Field, value: string) => void }) {
  // The chosen value stays listed even when the range no longer has it.
  const list = value && !values.includes(value) ? [...values, value] : values;
  return (
    <label>
      {name}{' '}
      <select value={value} onChange={(e) => onChoose(field, (e.target as HTMLSelectElement).value)}>
        <option value="">{all}</option>
        {list.map((v) => (
          <option value={v}>{v === 'none' && field === 'team' ? 'no team' : words(v)}</option>
        ))}
      </select>
    </label>
  );
}

/** "p50 · p90 (n)" of a group's time to human: one link to the conversations measured. */
function Times({ title, path, q }: { title: string; path: string[]; q: Quantiles }) {
  if (q.n === 0) return <>—</>;
  return (
    <Link title={title} path={path} of={measured(q)}>
      {dur(q.p50)} · {dur(q.p90)} ({q.n})
    </Link>
  );
}

function TimingTable({ name, column, by, base, label }: { name: string; column: string; by: Record<string, Timing>; base: 'byTeam' | 'byHour'; label: (key: string) => string }) {
  return (
    <table aria-label={name}>
      <thead>
        <tr>
          <th>{column}</th>
          <th>First human reply (p50 · p90)</th>
          <th>Claim (p50 · p90)</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(by)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, t]) => (
            <tr>
              <td>{label(key)}</td>
              <td>
                <Times title={`Time to first human reply, ${label(key)}`} path={['timeToHuman', base, key, 'firstReplySeconds']} q={t.firstReplySeconds} />
              </td>
              <td>
                <Times title={`Time to claim, ${label(key)}`} path={['timeToHuman', base, key, 'claimSeconds']} q={t.claimSeconds} />
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

function VerdictTable({ name, column, by, base, all }: { name: string; column: string; by: Record<string, VerdictCells>; base: 'byTrigger' | 'byIntent'; all: Record<string, Counted> }) {
  return (
    <table aria-label={name}>
      <thead>
        <tr>
          <th>{column}</th>
          {Object.keys(VERDICTS).map((v) => (
            <th>{VERDICTS[v]}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {Object.entries(by).map(([key, cells]) => (
          <tr>
            <td>{words(key)}</td>
            {Object.keys(VERDICTS).map((v) => (
              <td>
                <Link title={`${VERDICTS[v]}: ${words(key)}`} path={['verdicts', base, key, v]} of={counted(cells[v])}>
                  {cells[v]?.count ?? 0}
                </Link>
              </td>
            ))}
          </tr>
        ))}
        <tr>
          <td>
            <strong>All</strong>
          </td>
          {Object.keys(VERDICTS).map((v) => (
            <td>
              <Link title={VERDICTS[v]!} path={['verdicts', 'byVerdict', v]} of={counted(all[v])}>
                {all[v]?.count ?? 0}
              </Link>
            </td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}

export function Analytics({ onOpenConversation }: { onOpenConversation: (id: string) => void }) {
  const [form, setForm] = useState<Query>({ from: day(new Date(Date.now() - 29 * 86_400_000)), to: day(new Date()), team: '', intent: '', trigger: '' });
  const [report, setReport] = useState<HandoffReport | null>(null);
  const [loaded, setLoaded] = useState<Query>(form);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<DrillRequest | null>(null);

  async function load(q: Query) {
    setError(null);
    const res = await fetch(`/api/admin/metrics?${queryOf(q)}`, { credentials: 'same-origin' }).catch(() => null);
    const body = res ? ((await res.json().catch(() => null)) as AdminResult<MetricsReport> | null) : null;
    if (body?.ok) {
      setReport(body.report);
      setLoaded(q);
      setShown(null); // its numbers belonged to the previous report
    } else setError(body?.error?.message ?? 'The report could not be loaded.');
  }
  useEffect(() => {
    void load(form);
  }, []);
  // A filter applies as it is chosen; dates with "Show".
  const choose = (field: Field, value: string) => {
    const next = { ...form, [field]: value };
    setForm(next);
    void load(next);
  };
  const show = (title: string, path: string[], of: Behind) => setShown({ title, metric: metricPath(path), query: queryOf(loaded), ids: of.ids, total: of.total });

  const r = report;
  const t = r?.timeToHuman;
  return (
    <Show.Provider value={show}>
      <section class="analytics" aria-label="Analytics">
        <form
          class="range"
          onSubmit={(e) => {
            e.preventDefault();
            void load(form);
          }}
        >
          <h2>Handoff quality</h2>
          <label>
            From <input type="date" value={form.from} onInput={(e) => setForm({ ...form, from: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            To <input type="date" value={form.to} onInput={(e) => setForm({ ...form, to: (e.target as HTMLInputElement).value })} />
          </label>
          <button type="submit">Show</button>
          <Select name="Team" field="team" value={form.team} values={r?.options.teams ?? []} all="All teams" onChoose={choose} />
          <Select name="Intent" field="intent" value={form.intent} values={r?.options.intents ?? []} all="All intents" onChoose={choose} />
          <Select name="Trigger" field="trigger" value={form.trigger} values={r?.options.triggers ?? []} all="All triggers" onChoose={choose} />
          {/* The export's own `trigger` means the right trigger for "wrong reason": only the range goes along. */}
          <a class="button" href={`/api/admin/eval-cases?${queryOf({ ...loaded, team: '', intent: '', trigger: '' })}`} download>
            Export judged escalations as eval cases
          </a>
        </form>
        {filtered(loaded) && (
          <p class="note">
            Filtered to escalated conversations: team, intent and trigger are known only once a conversation reaches people, so bot-only figures are empty. The eval-case export takes the whole
            range.
          </p>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {r && t && (
          <>
            <div class="cards">
              <div class="card-stat">
                <span class="muted">Escalated</span>
                <Link title="Escalated conversations" path={['escalated']} of={counted(r.escalated)} label={`${r.escalated.count} escalated of ${r.conversations}`}>
                  <strong>{r.escalated.count}</strong>
                </Link>
                <span class="muted">of {r.conversations}</span>
              </div>
              <div class="card-stat">
                <span class="muted">Time to first human reply</span>
                <Link title="Time to first human reply" path={['timeToHuman', 'firstReplySeconds']} of={measured(t.firstReplySeconds)} label={`p50 ${dur(t.firstReplySeconds.p50)}, time to first human reply`}>
                  <strong>{dur(t.firstReplySeconds.p50)}</strong>
                </Link>
                <Link title="Time to first human reply" path={['timeToHuman', 'firstReplySeconds']} of={measured(t.firstReplySeconds)}>
                  <span class="muted">
                    p90 {dur(t.firstReplySeconds.p90)} · {t.firstReplySeconds.n} measured
                  </span>
                </Link>
              </div>
              <div class="card-stat">
                <span class="muted">Time to claim</span>
                <Link title="Time to claim" path={['timeToHuman', 'claimSeconds']} of={measured(t.claimSeconds)} label={`p50 ${dur(t.claimSeconds.p50)}, time to claim`}>
                  <strong>{dur(t.claimSeconds.p50)}</strong>
                </Link>
                <Link title="Time to claim" path={['timeToHuman', 'claimSeconds']} of={measured(t.claimSeconds)}>
                  <span class="muted">
                    p90 {dur(t.claimSeconds.p90)} · {t.claimSeconds.n} measured
                  </span>
                </Link>
              </div>
              <div class="card-stat">
                <span class="muted">Customers had to repeat</span>
                <strong>{pct(r.repetition.rate)}</strong>
                <span class="muted">
                  detected{' '}
                  <Link title="Repetition detected automatically" path={['repetition', 'detected']} of={counted(r.repetition.detected)}>
                    {r.repetition.detected.count}
                  </Link>{' '}
                  · confirmed by agents{' '}
                  <Link title="Repetition confirmed by agents" path={['repetition', 'confirmed']} of={counted(r.repetition.confirmed)}>
                    {r.repetition.confirmed.count}
                  </Link>
                </span>
              </div>
              <div class="card-stat">
                <span class="muted">Resolved without repetition</span>
                <Link title="Resolved without repetition" path={['repetition', 'withoutRepetition']} of={counted(r.repetition.withoutRepetition)}>
                  <strong>{r.repetition.withoutRepetition.count}</strong>
                </Link>
                <span class="muted">of {r.repetition.escalated} handled by agents</span>
              </div>
              <div class="card-stat">
                <span class="muted">Bot resolution</span>
                <strong>{pct(r.botResolution.rate)}</strong>
                <Link title="Resolved by the bot" path={['botResolution', 'resolved']} of={counted(r.botResolution.resolved)}>
                  <span class="muted">
                    {r.botResolution.resolved.count} of {r.botResolution.botOnly}
                  </span>
                </Link>
              </div>
              <div class="card-stat">
                <span class="muted">Queue abandonment</span>
                <strong>{pct(r.abandonment.rate)}</strong>
                <Link title="Left the queue" path={['abandonment', 'abandoned']} of={counted(r.abandonment.abandoned)}>
                  <span class="muted">
                    {r.abandonment.abandoned.count} of {r.abandonment.queued}
                  </span>
                </Link>
              </div>
              <div class="card-stat">
                <span class="muted">Wait-estimate error</span>
                <strong>{r.waitEstimate.meanAbsoluteErrorMinutes === null ? '—' : `${r.waitEstimate.meanAbsoluteErrorMinutes} min`}</strong>
                <Link title="Wait estimate shown and the wait that followed" path={['waitEstimate']} of={{ ids: r.waitEstimate.ids, total: r.waitEstimate.n }}>
                  <span class="muted">over {r.waitEstimate.n}</span>
                </Link>
              </div>
            </div>

            <h3>Time to human by team</h3>
            <TimingTable name="Time to human by team" column="Team" by={t.byTeam} base="byTeam" label={(k) => (k === 'none' ? 'no team' : words(k))} />
            <h3>Time to human by hour of escalation (UTC)</h3>
            <TimingTable name="Time to human by hour" column="Hour (UTC)" by={t.byHour} base="byHour" label={(k) => `${k}:00`} />

            <h3>Timing verdicts by trigger</h3>
            <VerdictTable name="Timing verdicts by trigger" column="Trigger" by={r.verdicts.byTrigger} base="byTrigger" all={r.verdicts.byVerdict} />
            <h3>Timing verdicts by intent</h3>
            <VerdictTable name="Timing verdicts by intent" column="Intent" by={r.verdicts.byIntent} base="byIntent" all={r.verdicts.byVerdict} />

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
                {r.intents.map((i) => (
                  <tr>
                    <td>{words(i.intent)}</td>
                    <td>
                      <Link title={`Escalations: ${words(i.intent)}`} path={['intents', i.intent]} of={{ ids: i.ids, total: i.escalations }}>
                        {i.escalations}
                      </Link>
                    </td>
                    <td>
                      {Object.entries(i.triggers).map(([trigger, c], n) => (
                        <>
                          {n > 0 && ', '}
                          {words(trigger)}{' '}
                          <Link title={`Escalations: ${words(i.intent)}, ${words(trigger)}`} path={['intents', i.intent, 'triggers', trigger]} of={counted(c)}>
                            {c.count}
                          </Link>
                        </>
                      ))}
                    </td>
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
                {[
                  { label: 'Bot only', group: 'bot only', path: ['helped', 'botOnly'], o: r.helped.botOnly },
                  { label: 'Escalated', group: 'escalated', path: ['helped', 'escalated'], o: r.helped.escalated },
                  ...Object.entries(r.helped.byTrigger).map(([k, o]) => ({ label: `… ${words(k)}`, group: `escalated, ${words(k)}`, path: ['helped', 'byTrigger', k], o })),
                ].map(({ label, group, path, o }) => (
                  <tr>
                    <td>{label}</td>
                    <td>
                      <Link title={`Conversations: ${group}`} path={path} of={{ ids: o.ids, total: o.conversations }}>
                        {o.conversations}
                      </Link>
                    </td>
                    <td>
                      <Link title={`Rated: ${group}`} path={[...path, 'rated']} of={counted(o.rated)}>
                        {num(o.csatAverage)} <span class="muted">({o.rated.count} rated)</span>
                      </Link>
                    </td>
                    <td>
                      <Link title={`Resolved: ${group}`} path={[...path, 'resolved']} of={counted(o.resolved)}>
                        {pct(o.resolutionRate)}
                      </Link>
                    </td>
                    <td>
                      <Link title={`Converted: ${group}`} path={[...path, 'converted']} of={counted(o.converted)}>
                        {pct(o.conversionRate)}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>

            <h3>Per day</h3>
            <Trend
              daily={r.daily}
              from={loaded.from}
              to={loaded.to}
              onShow={(d, which, c) => show(`${which === 'escalated' ? 'Escalated' : 'Conversations'} on ${d}`, ['daily', d, which], counted(c))}
            />
          </>
        )}
        {shown && <Drill key={`${shown.metric}?${shown.query}`} request={shown} onOpenConversation={onOpenConversation} />}
      </section>
    </Show.Provider>
  );
}
