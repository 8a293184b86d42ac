// GET /metrics: Prometheus text format, counters that move with real traffic, optional token.
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteFactory } from '../helpers/db.js';
import { agent, request, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

/** Minimal exposition-format parser: every sample line is `name{labels} value`. */
function parseProm(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?(?:[0-9.]+(?:e[+-]?[0-9]+)?|[+-]?Inf|NaN))( [0-9]+)?$/i.exec(line); // Prometheus reads NaN and Inf in any case
    if (!m) throw new Error(`not Prometheus text format: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return samples;
}

describe('/metrics', () => {
  let server: TestServer;
  afterEach(async () => server.close());

  it('parses as Prometheus text and its counters move with a handoff', async () => {
    server = await startServer(sqliteFactory, { metricsToken: 'metrics-token-0123456789' });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const scrape = async () => parseProm(await (await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).text());
    const before = await scrape();
    expect(before.get('baton_queue_waiting')).toBe(0);
    expect(before.has('process_cpu_user_seconds_total')).toBe(true);

    const v = await visitor(server.url);
    const sent = await request(v.socket, 'message:send', { clientId: 'm1', body: 'I need a human' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    let after = await scrape();
    expect(after.get('baton_messages_total{author="visitor"}')).toBe(1);
    expect(after.get('baton_messages_total{author="bot"}')).toBe(1);
    expect(after.get('baton_escalations_total{trigger="visitor_request"}')).toBe(1);
    expect(after.get('baton_queue_waiting')).toBe(1);
    expect(after.get('baton_connected_sockets{namespace="visitor"}')).toBe(1);
    expect(after.get('baton_bot_turn_seconds_count')).toBe(1);

    // A visitor who chose a reply later is not waiting live.
    const later = await visitor(server.url);
    await request(later.socket, 'message:send', { clientId: 'm2', body: 'I need a human too' });
    await waitFor(later, 'conversation:updated', (c) => c.control === 'queued');
    expect((await scrape()).get('baton_queue_waiting')).toBe(2);
    await request(later.socket, 'conversation:replyLater', {});
    expect((await scrape()).get('baton_queue_waiting')).toBe(1);

    const a = await agent(server.url);
    await request(a.socket, 'conversation:claim', { conversationId: sent.message.conversationId });
    after = await scrape();
    expect(after.get('baton_time_to_human_seconds_count')).toBe(1);
    expect(after.get('baton_queue_waiting')).toBe(0);
    expect(after.get('baton_connected_sockets{namespace="agent"}')).toBe(1);
  });
});
