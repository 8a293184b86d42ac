// The authorization matrix: every socket event and REST endpoint, and what each kind of caller
// gets. `ok` = allowed; a code = refused with that code (for REST, the HTTP status follows the
// code); `handshake:<code>` = the namespace refuses the connection itself. The test fails when an
// event or endpoint exists that this table does not list. Rows run in this order, so later rows
// see the state earlier rows left (e.g. the agent holds the conversation after the claim row).

export const CALLERS = ['none', 'visitorA', 'visitorB', 'visitorOtherSite', 'agent', 'agentOtherSite', 'admin', 'adminOtherSite', 'deactivated', 'expired'] as const;
export type Caller = (typeof CALLERS)[number];
export type Outcome = 'ok' | string;

export interface Ctx {
  /** Visitor A's queued conversation on the demo site. */
  conversationId: string;
  adminId: string;
  /** Visitor B of the demo site (exported and erased by the matrix). */
  visitorB: string;
  /** A webhook endpoint of the demo site. */
  webhookId: string;
  unique: () => string;
}

type Expect = Partial<Record<Caller, Outcome>>;

const VISITOR_HANDSHAKE: Expect = {
  none: 'handshake:bad_request',
  agent: 'handshake:unauthorized',
  agentOtherSite: 'handshake:unauthorized',
  admin: 'handshake:unauthorized',
  adminOtherSite: 'handshake:unauthorized',
  deactivated: 'handshake:unauthorized',
  expired: 'handshake:unauthorized',
};
const AGENT_HANDSHAKE: Expect = {
  none: 'handshake:unauthorized',
  visitorA: 'handshake:unauthorized',
  visitorB: 'handshake:unauthorized',
  visitorOtherSite: 'handshake:unauthorized',
  deactivated: 'handshake:unauthorized',
  expired: 'handshake:unauthorized',
};

export interface SocketRow {
  event: string;
  ns: 'visitor' | 'agent';
  payload: (ctx: Ctx) => unknown;
  expect: Expect;
}

const visitorRow = (event: string, payload: SocketRow['payload'], a: Outcome, b: Outcome, other: Outcome): SocketRow => ({
  event,
  ns: 'visitor',
  payload,
  expect: { ...VISITOR_HANDSHAKE, visitorA: a, visitorB: b, visitorOtherSite: other },
});
const agentRow = (event: string, payload: SocketRow['payload'], agent: Outcome, admin: Outcome, otherSite: Outcome): SocketRow => ({
  event,
  ns: 'agent',
  payload,
  expect: { ...AGENT_HANDSHAKE, agent, admin, agentOtherSite: otherSite, adminOtherSite: otherSite },
});
const conv = (extra: Record<string, unknown> = {}) => (ctx: Ctx) => ({ conversationId: ctx.conversationId, ...extra });

export const SOCKET_MATRIX: SocketRow[] = [
  visitorRow('session:resume', () => ({}), 'ok', 'ok', 'ok'),
  visitorRow('message:send', (ctx) => ({ clientId: ctx.unique(), body: 'hello' }), 'ok', 'ok', 'ok'),
  visitorRow('typing:set', () => ({ typing: true }), 'ok', 'ok', 'ok'),
  visitorRow('visitor:identify', () => ({ userId: 'u-1', name: 'Ada' }), 'ok', 'ok', 'ok'),
  // Another visitor's conversation answers like a missing one; A's own is not resolved yet.
  visitorRow('conversation:rate', conv({ rating: 5 }), 'bad_request', 'not_found', 'not_found'),
  // Only a waiting conversation can ask for a reply later (B's and the other site's are with the bot).
  visitorRow('conversation:replyLater', () => ({}), 'ok', 'bad_request', 'bad_request'),
  // Voice: this server has no speech engine; frames are held per socket, an unknown utterance is not_found.
  visitorRow('voice:mode', () => ({ on: true }), 'voice_unavailable', 'voice_unavailable', 'voice_unavailable'),
  visitorRow('voice:frame', () => ({ utteranceId: 'u1', seq: 0, pcm: Buffer.alloc(320) }), 'ok', 'ok', 'ok'),
  visitorRow('voice:end', () => ({ utteranceId: 'never', clientId: 'c1' }), 'not_found', 'not_found', 'not_found'),
  visitorRow('voice:cancel', () => ({ utteranceId: 'u1' }), 'ok', 'ok', 'ok'),
  visitorRow('voice:speak', () => ({ messageId: 'm_none' }), 'voice_unavailable', 'voice_unavailable', 'voice_unavailable'),
  // No agent holds any of their conversations: nobody to signal to.
  visitorRow('call:signal', () => ({ signal: { kind: 'hangup' } }), 'not_in_control', 'not_in_control', 'not_in_control'),

  agentRow('queue:list', () => ({}), 'ok', 'ok', 'ok'),
  agentRow('agents:list', () => ({}), 'ok', 'ok', 'ok'),
  agentRow('presence:set', () => ({ presence: 'online' }), 'ok', 'ok', 'ok'),
  agentRow('conversation:open', conv(), 'ok', 'ok', 'not_found'),
  agentRow('typing:set', conv({ typing: true }), 'ok', 'ok', 'not_found'),
  agentRow('note:add', (ctx) => ({ conversationId: ctx.conversationId, clientId: ctx.unique(), body: 'internal' }), 'ok', 'ok', 'not_found'),
  agentRow('conversation:verdict', conv({ verdict: 'right' }), 'ok', 'ok', 'not_found'),
  agentRow('conversation:repeated', conv({ repeated: false }), 'ok', 'ok', 'not_found'),
  // The agent (Tom) claims first; the admin then learns someone holds it.
  agentRow('conversation:claim', conv(), 'ok', 'already_claimed', 'not_found'),
  agentRow('message:send', (ctx) => ({ conversationId: ctx.conversationId, clientId: ctx.unique(), body: 'hi' }), 'ok', 'not_in_control', 'not_found'),
  agentRow('conversation:read', conv({ seq: 1 }), 'ok', 'not_in_control', 'not_found'),
  // Tom transfers to the admin; the admin (now holding it) cannot transfer to herself.
  agentRow('conversation:transfer', (ctx) => ({ conversationId: ctx.conversationId, toAgentId: ctx.adminId }), 'ok', 'bad_request', 'not_found'),
  agentRow('conversation:handBack', conv(), 'not_in_control', 'ok', 'not_found'),
  // With the bot again: nobody may resolve it without taking it over.
  agentRow('conversation:resolve', conv({ outcome: 'solved' }), 'not_in_control', 'not_in_control', 'not_found'),
  // The visitor is not on voice: no call to join; nobody holds it to signal from.
  agentRow('call:join', conv(), 'bad_request', 'bad_request', 'not_found'),
  agentRow('call:signal', conv({ signal: { kind: 'hangup' } }), 'not_in_control', 'not_in_control', 'not_found'),
  agentRow('voice:frame', conv({ utteranceId: 'a1', seq: 0, pcm: Buffer.alloc(320) }), 'ok', 'ok', 'ok'),
  agentRow('voice:end', conv({ utteranceId: 'never', clientId: 'c1' }), 'not_found', 'not_found', 'not_found'),
  agentRow('voice:cancel', conv({ utteranceId: 'a1' }), 'ok', 'ok', 'ok'),
];

export interface RestRow {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** The concrete URL and body for this run. */
  url: (ctx: Ctx) => string;
  body?: (ctx: Ctx) => unknown;
  expect: Expect;
}

const PUBLIC = (outcome: Outcome): Expect => Object.fromEntries(CALLERS.map((c) => [c, outcome]));
const SIGNED_IN: Expect = {
  none: 'unauthorized',
  visitorA: 'unauthorized',
  visitorB: 'unauthorized',
  visitorOtherSite: 'unauthorized',
  agent: 'ok',
  agentOtherSite: 'ok',
  admin: 'ok',
  adminOtherSite: 'ok',
  deactivated: 'unauthorized',
  expired: 'unauthorized',
};
const ADMIN = (own: Outcome, otherSite: Outcome): Expect => ({ ...SIGNED_IN, agent: 'forbidden', agentOtherSite: 'forbidden', admin: own, adminOtherSite: otherSite });

export const REST_MATRIX: RestRow[] = [
  { method: 'GET', path: '/healthz', url: () => '/healthz', expect: PUBLIC('ok') },
  { method: 'GET', path: '/readyz', url: () => '/readyz', expect: PUBLIC('ok') },
  { method: 'GET', path: '/metrics', url: () => '/metrics', expect: PUBLIC('ok') },
  { method: 'GET', path: '/api/sites/:key/widget-config', url: () => '/api/sites/demo/widget-config', expect: PUBLIC('ok') },
  { method: 'POST', path: '/api/agent/login', url: () => '/api/agent/login', body: (ctx) => ({ email: `${ctx.unique()}@x.test`, password: 'wrong' }), expect: PUBLIC('unauthorized') },
  // The reply-later confirmation: a signed link, which nobody has here (an HTML page, 400).
  { method: 'GET', path: '/api/contact/confirm', url: () => '/api/contact/confirm?c=c_x&e=a%40b.test&x=9999999999999&s=forged', expect: PUBLIC('http_400') },
  { method: 'POST', path: '/api/contact/confirm', url: () => '/api/contact/confirm?c=c_x&e=a%40b.test&x=9999999999999&s=forged', expect: PUBLIC('http_400') },
  { method: 'POST', path: '/api/agent/set-password', url: () => '/api/agent/set-password', body: () => ({ token: 'a.1.b', password: 'long-enough-password' }), expect: PUBLIC('invalid_token') },
  // Files: uploads need a visitor token with its site or an agent session (this row sends no file,
  // so the authorized answer is "the file is empty"); downloads need a signed link, which nobody has here.
  { method: 'POST', path: '/api/attachments/', url: () => '/api/attachments', body: () => ({}), expect: { ...SIGNED_IN, agent: 'bad_request', agentOtherSite: 'bad_request', admin: 'bad_request', adminOtherSite: 'bad_request' } },
  { method: 'GET', path: '/api/attachments/:id', url: () => '/api/attachments/att_guess?v=full&exp=99999999999999&sig=x', expect: PUBLIC('not_found') },
  // The site owners' API takes API keys only: no session or visitor token opens it.
  { method: 'GET', path: '/api/v1/conversations', url: () => '/api/v1/conversations', expect: PUBLIC('unauthorized') },
  { method: 'GET', path: '/api/v1/conversations/:id', url: (ctx) => `/api/v1/conversations/${ctx.conversationId}`, expect: PUBLIC('unauthorized') },
  { method: 'GET', path: '/api/v1/metrics', url: () => '/api/v1/metrics', expect: PUBLIC('unauthorized') },
  { method: 'GET', path: '/api/v1/metrics/conversations', url: () => '/api/v1/metrics/conversations?metric=escalated', expect: PUBLIC('unauthorized') },
  { method: 'GET', path: '/api/openapi.json', url: () => '/api/openapi.json', expect: PUBLIC('ok') },
  { method: 'GET', path: '/api/admin/api-keys', url: () => '/api/admin/api-keys', expect: ADMIN('ok', 'ok') },
  { method: 'POST', path: '/api/admin/api-keys', url: () => '/api/admin/api-keys', body: () => ({ name: 'k', scopes: ['metrics:read'] }), expect: ADMIN('ok', 'ok') },
  { method: 'DELETE', path: '/api/admin/api-keys/:id', url: () => '/api/admin/api-keys/key_missing', expect: ADMIN('not_found', 'not_found') },
  { method: 'GET', path: '/api/agent/me', url: () => '/api/agent/me', expect: SIGNED_IN },
  { method: 'GET', path: '/api/agent/site', url: () => '/api/agent/site', expect: SIGNED_IN },
  { method: 'GET', path: '/api/admin/agents', url: () => '/api/admin/agents', expect: ADMIN('ok', 'ok') },
  { method: 'POST', path: '/api/admin/agents', url: () => '/api/admin/agents', body: (ctx) => ({ email: `${ctx.unique()}@x.test`, name: 'New' }), expect: ADMIN('ok', 'ok') },
  { method: 'PATCH', path: '/api/admin/agents/:id', url: () => '/api/admin/agents/agent_tom', body: () => ({ capacity: 2 }), expect: ADMIN('ok', 'not_found') },
  { method: 'POST', path: '/api/admin/agents/:id/password-link', url: () => '/api/admin/agents/agent_tom/password-link', expect: ADMIN('ok', 'not_found') },
  { method: 'GET', path: '/api/admin/site', url: () => '/api/admin/site', expect: ADMIN('ok', 'ok') },
  { method: 'PATCH', path: '/api/admin/site', url: () => '/api/admin/site', body: () => ({ settings: { maxWaiting: 5 } }), expect: ADMIN('ok', 'ok') },
  { method: 'POST', path: '/api/admin/site/identity-secret', url: () => '/api/admin/site/identity-secret', expect: ADMIN('ok', 'ok') },
  { method: 'GET', path: '/api/admin/webhooks', url: () => '/api/admin/webhooks', expect: ADMIN('ok', 'ok') },
  { method: 'POST', path: '/api/admin/webhooks', url: () => '/api/admin/webhooks', body: () => ({ url: 'https://93.184.216.34/hook', events: ['message.created'] }), expect: ADMIN('ok', 'ok') },
  { method: 'PATCH', path: '/api/admin/webhooks/:id', url: (ctx) => `/api/admin/webhooks/${ctx.webhookId}`, body: () => ({ active: true }), expect: ADMIN('ok', 'not_found') },
  { method: 'GET', path: '/api/admin/webhooks/:id/deliveries', url: (ctx) => `/api/admin/webhooks/${ctx.webhookId}/deliveries`, expect: ADMIN('ok', 'not_found') },
  { method: 'POST', path: '/api/admin/webhooks/:id/deliveries/:deliveryId/resend', url: (ctx) => `/api/admin/webhooks/${ctx.webhookId}/deliveries/whd_missing/resend`, expect: ADMIN('not_found', 'not_found') },
  { method: 'GET', path: '/api/admin/audit', url: () => '/api/admin/audit', expect: ADMIN('ok', 'ok') },
  { method: 'GET', path: '/api/admin/visitors/:id/export', url: (ctx) => `/api/admin/visitors/${ctx.visitorB}/export`, expect: ADMIN('ok', 'not_found') },
  // A person by email: an address nobody has, so the rows after still find their visitors.
  { method: 'POST', path: '/api/admin/people/export', url: () => '/api/admin/people/export', body: () => ({ email: 'nobody@nowhere.test' }), expect: ADMIN('ok', 'ok') },
  { method: 'POST', path: '/api/admin/people/erase', url: () => '/api/admin/people/erase', body: () => ({ email: 'nobody@nowhere.test' }), expect: ADMIN('ok', 'ok') },
  { method: 'POST', path: '/api/admin/visitors/:id/erase', url: (ctx) => `/api/admin/visitors/${ctx.visitorB}/erase`, expect: ADMIN('ok', 'not_found') },
  { method: 'GET', path: '/api/admin/metrics', url: () => '/api/admin/metrics', expect: ADMIN('ok', 'ok') },
  { method: 'GET', path: '/api/admin/metrics/conversations', url: () => '/api/admin/metrics/conversations?metric=escalated', expect: ADMIN('ok', 'ok') },
  // A's conversation was judged "right" above: not exportable, but visible only to its own site.
  { method: 'GET', path: '/api/admin/eval-cases', url: (ctx) => `/api/admin/eval-cases?conversationId=${ctx.conversationId}`, expect: ADMIN('bad_request', 'not_found') },
  // Last: it ends the caller's session.
  { method: 'POST', path: '/api/agent/logout', url: () => '/api/agent/logout', expect: PUBLIC('ok') },
];
