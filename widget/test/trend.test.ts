// The analytics trend shows every day of the chosen range: quiet days are zeros, not gaps that
// would make the chart join distant days or stretch one day over years.
import { describe, expect, it } from 'vitest';
import { everyDay } from '../src/console/Trend.js';

describe('everyDay', () => {
  it('fills the days without conversations and keeps the reported ones', () => {
    const reported = { day: '2026-11-03', conversations: { count: 4, ids: ['a', 'b', 'c', 'd'] }, escalated: { count: 1, ids: ['b'] }, csatAverage: 4.5 };
    const days = everyDay([reported], '2026-11-01', '2026-11-04');
    expect(days.map((d) => d.day)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04']);
    expect(days.map((d) => d.conversations.count)).toEqual([0, 0, 4, 0]);
    expect(days[2]).toEqual(reported);
    expect(days[0]).toEqual({ day: '2026-11-01', conversations: { count: 0, ids: [] }, escalated: { count: 0, ids: [] }, csatAverage: null });
  });

  it('an empty or reversed range has no days, and a huge one is capped', () => {
    expect(everyDay([], '2026-11-05', '2026-11-01')).toEqual([]);
    expect(everyDay([], '2020-01-01', '2026-01-01')).toHaveLength(400);
  });
});
