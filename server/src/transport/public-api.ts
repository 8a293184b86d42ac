// The site owners' REST API: per-site API keys (scoped, shown once, stored hashed, revocable),
// conversations with their handoff package and transcript, exports as JSONL or CSV, and the
// handoff metrics. Described by /api/openapi.json, generated from the same zod schemas.
import { type ApiScope, BatonError, ConversationSummary, ConversationsQuery, dayRange, DrillQuery, Message, MetricsQuery } from '@baton/shared';
import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { hashApiKey } from '../service/admin.js';
import { metricsService } from '../service/metrics.js';
import { agentView } from '../service/views.js';
import type { ApiKeyRecord, Store } from '../store/types.js';
import { route } from './http.js';
import { parseInput } from './input.js';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quoted, and neutralised against spreadsheet formula injection.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
};

export function publicApiRouter(deps: { store: Store; logger: Logger; clock: () => Date }): Router {
  const { store, logger } = deps;
  const router = express.Router();

  async function key(req: Request, scope: ApiScope): Promise<ApiKeyRecord> {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer bk_') ? header.slice(7) : '';
    const record = token ? await store.apiKeyByHash(hashApiKey(token)) : null;
    if (!record || record.revokedAt) throw new BatonError('unauthorized', 'An API key is required (Authorization: Bearer bk_…).');
    if (!record.scopes.includes(scope)) throw new BatonError('forbidden', `This key lacks the ${scope} scope.`);
    await store.touchApiKey(record.id, deps.clock().toISOString());
    return record;
  }

  router.get(
    '/conversations',
    route(logger, 'api.conversations', async (req, res) => {
      const k = await key(req, 'conversations:read');
      const q = parseInput(ConversationsQuery, req.query);
      const r = dayRange(deps.clock(), q.from, q.to);
      const rows = (await store.conversationsBetween(k.siteId, r.from, r.to, 50_000)).filter((c) => !q.status || c.control === q.status);
      const page = q.format === 'json' ? rows.slice(-q.limit) : rows;
      const summaries = await Promise.all(page.map((c) => agentView(store, c)));
      if (q.format === 'csv') {
        const head = ['id', 'createdAt', 'status', 'trigger', 'intent', 'team', 'agent', 'outcome', 'verdict', 'csat', 'summary'];
        const lines = summaries.map((c) =>
          [c.id, c.createdAt, c.control, c.handoff?.trigger, c.handoff?.intent, c.team, c.agent?.name, c.outcome, c.verdict, c.csat?.rating, c.handoff?.summary].map(csvCell).join(','),
        );
        res.type('text/csv').set('content-disposition', 'attachment; filename="conversations.csv"').send(`${head.join(',')}\n${lines.join('\n')}\n`);
        return;
      }
      if (q.format === 'jsonl') {
        const out: string[] = [];
        for (const c of summaries) out.push(JSON.stringify({ ...c, messages: await store.listMessages(c.id, 0, 10_000) }));
        res.type('application/x-ndjson').send(out.length ? `${out.join('\n')}\n` : '');
        return;
      }
      res.json({ ok: true, range: r, conversations: summaries });
    }),
  );

  router.get(
    '/conversations/:id',
    route(logger, 'api.conversation', async (req, res) => {
      const k = await key(req, 'conversations:read');
      const c = await store.getConversation(String(req.params.id));
      if (!c || c.siteId !== k.siteId) throw new BatonError('not_found', 'No such conversation.');
      res.json({ ok: true, conversation: await agentView(store, c), messages: await store.listMessages(c.id, 0, 10_000) });
    }),
  );

  const metrics = metricsService(store, deps.clock);
  router.get(
    '/metrics',
    route(logger, 'api.metrics', async (req, res) => {
      const k = await key(req, 'metrics:read');
      res.json({ ok: true, ...(await metrics.report(k.siteId, parseInput(MetricsQuery, req.query))) });
    }),
  );
  router.get(
    '/metrics/conversations',
    route(logger, 'api.metrics-conversations', async (req, res) => {
      const k = await key(req, 'metrics:read');
      res.json({ ok: true, ...(await metrics.conversations(k.siteId, parseInput(DrillQuery, req.query))) });
    }),
  );

  return router;
}

/** OpenAPI 3.1 for the site owners' API, from the shared zod schemas. */
export function openApiDocument(): Record<string, unknown> {
  const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' });
  const error = { type: 'object', properties: { ok: { const: false }, error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } } };
  const errors = {
    '400': { description: 'bad_request', content: { 'application/json': { schema: error } } },
    '401': { description: 'unauthorized: no or revoked key', content: { 'application/json': { schema: error } } },
    '403': { description: 'forbidden: the key lacks the scope', content: { 'application/json': { schema: error } } },
  };
  const dates = [
    { name: 'from', in: 'query', schema: { type: 'string', format: 'date' } },
    { name: 'to', in: 'query', schema: { type: 'string', format: 'date' } },
  ];
  /** Query parameters from a zod object schema, as the route validates them. */
  const queryOf = (s: z.ZodObject) => {
    const json = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, Record<string, unknown>>; required?: string[] };
    return Object.entries(json.properties).map(([name, p]) => ({ name, in: 'query', ...(json.required?.includes(name) ? { required: true } : {}), schema: p }));
  };
  return {
    openapi: '3.1.0',
    info: { title: 'Baton API for site owners', version: '1.0.0', description: 'Conversations with their handoff package and transcript, exports, and handoff-quality metrics. Keys are created by admins (POST /api/admin/api-keys).' },
    servers: [{ url: '/api/v1' }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'bk_… — scopes: conversations:read, metrics:read' } },
      schemas: { ConversationSummary: schema(ConversationSummary), Message: schema(Message) },
    },
    paths: {
      '/conversations': {
        get: {
          summary: 'Conversations created in a date range (default: the last 30 days)',
          parameters: [
            ...dates,
            { name: 'status', in: 'query', schema: { enum: ['bot', 'queued', 'agent', 'closed'] } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
            { name: 'format', in: 'query', schema: { enum: ['json', 'jsonl', 'csv'], default: 'json' }, description: 'jsonl: one conversation per line with its messages; csv: one row per conversation' },
          ],
          responses: {
            '200': {
              description: 'The conversations',
              content: {
                'application/json': { schema: { type: 'object', properties: { ok: { const: true }, conversations: { type: 'array', items: { $ref: '#/components/schemas/ConversationSummary' } } } } },
                'application/x-ndjson': { schema: { type: 'string' } },
                'text/csv': { schema: { type: 'string' } },
              },
            },
            ...errors,
          },
        },
      },
      '/conversations/{id}': {
        get: {
          summary: 'One conversation with its handoff package and transcript',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'The conversation',
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { ok: { const: true }, conversation: { $ref: '#/components/schemas/ConversationSummary' }, messages: { type: 'array', items: { $ref: '#/components/schemas/Message' } } } },
                },
              },
            },
            '404': { description: 'not_found (also for another site’s conversation)', content: { 'application/json': { schema: error } } },
            ...errors,
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Handoff-quality report (docs/metrics.md); filters select escalated conversations; at most 200 conversation ids per number, counts exact',
          parameters: queryOf(MetricsQuery),
          responses: { '200': { description: 'The report', content: { 'application/json': { schema: { type: 'object' } } } }, ...errors },
        },
      },
      '/metrics/conversations': {
        get: {
          summary: 'Every conversation behind one number of the report, by its path (e.g. verdicts.byTrigger.visitor_request.too_late), page by page',
          parameters: queryOf(DrillQuery),
          responses: {
            '200': {
              description: 'One page of conversation ids, in the report’s order',
              content: { 'application/json': { schema: { type: 'object', properties: { ok: { const: true }, total: { type: 'integer' }, offset: { type: 'integer' }, ids: { type: 'array', items: { type: 'string' } } } } } },
            },
            ...errors,
          },
        },
      },
    },
  };
}
