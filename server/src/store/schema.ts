// Kysely table types. Times are epoch milliseconds; JSON is stored as text in both dialects.
import type { Generated } from 'kysely';

export interface SitesTable {
  id: string;
  key: string;
  name: string;
  allowed_origins: string;
  settings: string;
  created_at: number;
}

export interface AgentsTable {
  id: string;
  site_id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  active: number;
  created_at: number;
  presence: Generated<string>;
  capacity: number | null;
  teams: string | null;
  last_assigned_at: number | null;
}

export interface SessionsTable {
  token_hash: string;
  agent_id: string;
  created_at: number;
  expires_at: number;
}

export interface VisitorsTable {
  id: string;
  site_id: string;
  created_at: number;
  last_seen_at: number;
  user_id: string | null;
  name: string | null;
  email: string | null;
  verified: Generated<number>;
  /** 1 when the name and email were signed too (a JWT's claims), 0 when only the user id was. */
  details_verified: Generated<number>;
  context: string | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  run_at: number;
  data: string;
  token: string;
  locked_until: number | null;
  attempts: Generated<number>;
}

export interface ConversationsTable {
  id: string;
  site_id: string;
  visitor_id: string;
  control: string;
  agent_id: string | null;
  agent_name: string | null;
  trigger: string | null;
  reason: string | null;
  handoff: string | null;
  queued_at: number | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  last_seq: number;
  csat_rating: number | null;
  csat_comment: string | null;
  rated_at: number | null;
  agent_read_seq: Generated<number>;
  claimed_at: number | null;
  priority: Generated<number>;
  outcome: string | null;
  verdict: string | null;
  abandoned_at: number | null;
  reply_later: Generated<number>;
  contact_email: string | null;
  team: string | null;
  /** The agents' latest "customer had to repeat" mark: 1 yes, 0 no (the log keeps every mark). */
  repeated: Generated<number>;
  /** The agent who let it go back to the queue (silent, disconnected); routing skips them for it. */
  passed_over: string | null;
  language: string | null;
  /** 'voice' while the visitor is in voice mode, else 'chat'. */
  channel: Generated<string>;
  callback_phone: string | null;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  client_id: string;
  author_kind: string;
  author_id: string | null;
  author_name: string | null;
  body: string;
  notice: string | null;
  quick_replies: string | null;
  created_at: number;
  attachments: string | null;
  /** 1: said aloud, the body is its transcript. */
  spoken: Generated<number>;
}

export interface ConversationEventsTable {
  id: Generated<number>;
  conversation_id: string;
  type: string;
  data: string;
  at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  site_id: string;
  actor_id: string;
  action: string;
  target: string | null;
  data: string;
  at: number;
}

export interface WebhookEndpointsTable {
  id: string;
  site_id: string;
  url: string;
  secret: string;
  events: string;
  active: Generated<number>;
  failing_since: number | null;
  disabled_reason: string | null;
  created_at: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  status: string;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  retry_from: number | null;
}

export interface AttachmentsTable {
  id: string;
  conversation_id: string;
  name: string;
  type: string;
  size: number;
  width: number | null;
  height: number | null;
  data: Buffer;
  thumb: Buffer | null;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  site_id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface AgentConnectionsTable {
  socket_id: string;
  agent_id: string;
  site_id: string;
  node_id: string;
  seen_at: number;
}

export interface ConversationFactsTable {
  conversation_id: string;
  site_id: string;
  /** The conversation's updated_at the summary was derived from; any other value means stale. */
  source_updated_at: number;
  data: string;
}

export interface Database {
  sites: SitesTable;
  agents: AgentsTable;
  sessions: SessionsTable;
  visitors: VisitorsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  conversation_events: ConversationEventsTable;
  jobs: JobsTable;
  audit_log: AuditLogTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  attachments: AttachmentsTable;
  api_keys: ApiKeysTable;
  agent_connections: AgentConnectionsTable;
  conversation_facts: ConversationFactsTable;
}
