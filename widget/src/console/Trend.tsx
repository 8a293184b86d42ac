// The per-day trend on the analytics page, drawn with uPlot (small, canvas, well kept). Loaded on
// demand, so neither the console's first paint nor the visitor widget ever carries it. The same
// numbers are in the table below it, each opening the day's conversations (clicking the chart
// opens the day's too).
import type { Counted, DailyPoint } from '@baton/shared';
import { useEffect, useRef } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css'; // 1.5 KB of layout rules; the library itself loads on demand

/** Opens the conversations behind one of the day's numbers. */
export type ShowDay = (day: string, which: 'conversations' | 'escalated', c: Counted) => void;

const css = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** Every day of the range, quiet days included (the report lists only days with conversations). */
export function everyDay(daily: DailyPoint[], from: string, to: string): DailyPoint[] {
  const known = new Map(daily.map((d) => [d.day, d]));
  const out: DailyPoint[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 400; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(known.get(day) ?? { day, conversations: { count: 0, ids: [] }, escalated: { count: 0, ids: [] }, csatAverage: null });
  }
  return out;
}

const COUNTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000];

export function Trend({ daily: reported, from, to, onShow }: { daily: DailyPoint[]; from: string; to: string; onShow: ShowDay }) {
  const daily = everyDay(reported, from, to);
  const box = useRef<HTMLDivElement>(null);
  const show = useRef(onShow);
  show.current = onShow;
  useEffect(() => {
    let chart: { destroy(): void; setSize(s: { width: number; height: number }): void } | null = null;
    let cancelled = false;
    const resize = () => chart && box.current && chart.setSize({ width: box.current.clientWidth, height: 220 });
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled || !box.current || daily.length === 0) return;
      const xs = daily.map((d) => Date.parse(`${d.day}T12:00:00Z`) / 1000);
      const accent = css('--accent', '#4f46e5');
      chart = new UPlot(
        {
          width: box.current.clientWidth || 600,
          height: 220,
          scales: { x: { time: true, range: [xs[0]! - 43_200, xs.at(-1)! + 43_200] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] }, csat: { range: [1, 5] } },
          series: [
            {},
            { label: 'Conversations', stroke: '#94a3b8', fill: 'rgba(148,163,184,0.15)', width: 2 },
            { label: 'Escalated', stroke: accent, fill: 'rgba(79,70,229,0.12)', width: 2 },
            { label: 'CSAT (1–5)', stroke: '#16a34a', width: 2, scale: 'csat', dash: [4, 4], spanGaps: true },
          ],
          axes: [{}, { label: 'conversations', incrs: COUNTS }, { scale: 'csat', side: 1, grid: { show: false }, label: 'CSAT', incrs: [1] }],
        },
        [xs, daily.map((d) => d.conversations.count), daily.map((d) => d.escalated.count), daily.map((d) => d.csatAverage)],
        box.current,
      );
      const drawn = chart as InstanceType<typeof UPlot>;
      // A click on the chart opens the day under the cursor (the table below does the same by keyboard).
      drawn.over.addEventListener('click', () => {
        const d = drawn.cursor.idx == null ? undefined : daily[drawn.cursor.idx];
        if (d && d.conversations.count > 0) show.current(d.day, 'conversations', d.conversations);
      });
      window.addEventListener('resize', resize);
    });
    return () => {
      cancelled = true;
      window.removeEventListener('resize', resize);
      chart?.destroy();
    };
  }, [reported, from, to]);

  const cell = (d: DailyPoint, which: 'conversations' | 'escalated') => {
    const c = d[which];
    return (
      <td>
        {c.count === 0 ? (
          '0'
        ) : (
          <button type="button" class="link" aria-label={`${c.count} ${which === 'escalated' ? 'escalated' : c.count === 1 ? 'conversation' : 'conversations'} on ${d.day}`} onClick={() => onShow(d.day, which, c)}>
            {c.count}
          </button>
        )}
      </td>
    );
  };

  return (
    <figure class="trend">
      <div ref={box} class="trend-chart" aria-hidden="true" />
      <div class="trend-days" role="region" aria-label="Per day" tabIndex={0}>
        <table>
          <caption>Conversations, escalations and CSAT per day</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Conversations</th>
              <th scope="col">Escalated</th>
              <th scope="col">CSAT</th>
            </tr>
          </thead>
          <tbody>
            {[...daily].reverse().map((d) => (
              <tr key={d.day}>
                <th scope="row">{d.day}</th>
                {cell(d, 'conversations')}
                {cell(d, 'escalated')}
                <td>{d.csatAverage ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
