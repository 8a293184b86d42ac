// Migrations as code, portable to SQLite and Postgres. Never edit a shipped migration: add one.
import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

function migrations(dialect: Dialect): Record<string, Migration> {
  // Epoch milliseconds need 64 bits in Postgres; SQLite's integer already is.
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    '0001_foundation': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('sites')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('key', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('allowed_origins', 'text', (c) => c.notNull())
          .addColumn('settings', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('agents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('active', 'integer', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('expires_at', ms, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
        await db.schema
          .createTable('visitors')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('last_seen_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('conversations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
          .addColumn('visitor_id', 'text', (c) => c.notNull().references('visitors.id'))
          .addColumn('control', 'text', (c) => c.notNull())
          .addColumn('agent_id', 'text')
          .addColumn('agent_name', 'text')
          .addColumn('trigger', 'text')
          .addColumn('reason', 'text')
          .addColumn('handoff', 'text')
          .addColumn('queued_at', ms)
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('updated_at', ms, (c) => c.notNull())
          .addColumn('closed_at', ms)
          .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        // [ST3] at most one open conversation per visitor, decided by the database.
        await db.schema
          .createIndex('conversations_one_open_per_visitor')
          .on('conversations')
          .column('visitor_id')
          .unique()
          .where(sql.ref('control'), '<>', 'closed')
          .execute();
        await db.schema
          .createIndex('conversations_site_control')
          .on('conversations')
          .columns(['site_id', 'control', 'queued_at'])
          .execute();
        await db.schema.createIndex('conversations_visitor').on('conversations').columns(['visitor_id', 'created_at']).execute();
        await db.schema
          .createTable('messages')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('client_id', 'text', (c) => c.notNull())
          .addColumn('author_kind', 'text', (c) => c.notNull())
          .addColumn('author_id', 'text')
          .addColumn('author_name', 'text')
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('notice', 'text')
          .addColumn('quick_replies', 'text')
          .addColumn('created_at', ms, (c) => c.notNull())
          .addUniqueConstraint('messages_conversation_seq', ['conversation_id', 'seq'])
          .addUniqueConstraint('messages_conversation_client_id', ['conversation_id', 'client_id'])
          .execute();
        await db.schema
          .createTable('conversation_events')
          .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('conversation_events_conversation')
          .on('conversation_events')
          .columns(['conversation_id', 'id'])
          .execute();
      },
    },
    '0002_csat': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('conversations').addColumn('csat_rating', 'integer').execute();
        await db.schema.alterTable('conversations').addColumn('csat_comment', 'text').execute();
        await db.schema.alterTable('conversations').addColumn('rated_at', ms).execute();
      },
    },
    '0003_read_receipts': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('conversations').addColumn('agent_read_seq', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      },
    },
    '0004_visitor_profile': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('visitors').addColumn('user_id', 'text').execute();
        await db.schema.alterTable('visitors').addColumn('name', 'text').execute();
        await db.schema.alterTable('visitors').addColumn('email', 'text').execute();
        await db.schema.alterTable('visitors').addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      },
    },
    '0005_claimed_at': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('conversations').addColumn('claimed_at', ms).execute();
        await db.schema.createIndex('conversations_site_closed').on('conversations').columns(['site_id', 'closed_at']).execute();
      },
    },
    '0006_console_and_queue': {
      async up(db: Kysely<any>) {
        // Queue order, outcomes, verdicts, the reply-later path and abandonment.
        const conv = [
          ['priority', 'integer', true],
          ['outcome', 'text', false],
          ['verdict', 'text', false],
          ['abandoned_at', ms, false],
          ['reply_later', 'integer', true],
          ['contact_email', 'text', false],
          ['team', 'text', false],
        ] as const;
        for (const [name, type, zero] of conv) {
          await db.schema.alterTable('conversations').addColumn(name, type, (c) => (zero ? c.notNull().defaultTo(0) : c)).execute();
        }
        await db.schema.alterTable('agents').addColumn('presence', 'text', (c) => c.notNull().defaultTo('offline')).execute();
        await db.schema.alterTable('agents').addColumn('capacity', 'integer').execute();
        await db.schema.alterTable('agents').addColumn('teams', 'text').execute();
        await db.schema.alterTable('agents').addColumn('last_assigned_at', ms).execute();
        await db.schema.alterTable('visitors').addColumn('context', 'text').execute();
        // Durable timers: what must happen later survives a restart and fires on any node.
        await db.schema
          .createTable('jobs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('run_at', ms, (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('token', 'text', (c) => c.notNull())
          .addColumn('locked_until', ms)
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex('jobs_run_at').on('jobs').column('run_at').execute();
      },
    },
    '0007_analytics': {
      async up(db: Kysely<any>) {
        // The analytics page reads a site's conversations by creation time.
        await db.schema.createIndex('conversations_site_created').on('conversations').columns(['site_id', 'created_at']).execute();
      },
    },
    '0008_verified_users': {
      async up(db: Kysely<any>) {
        // A verified user found again on another device.
        await db.schema.createIndex('visitors_site_user').on('visitors').columns(['site_id', 'user_id']).execute();
      },
    },
    '0009_audit_log': {
      async up(db: Kysely<any>) {
        // Append-only: what agents and admins did (viewed, exported, erased, changed settings and roles).
        await db.schema
          .createTable('audit_log')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('site_id', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target', 'text')
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('at', ms, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('audit_log_site').on('audit_log').columns(['site_id', 'id']).execute();
      },
    },
    '0010_webhooks': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('webhook_endpoints')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('site_id', 'text', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('events', 'text', (c) => c.notNull())
          .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('failing_since', ms)
          .addColumn('disabled_reason', 'text')
          .addColumn('created_at', ms, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('webhook_endpoints_site').on('webhook_endpoints').column('site_id').execute();
        // The outbox: one row per event and endpoint, written in the same transaction as the change.
        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('endpoint_id', 'text', (c) => c.notNull())
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('event_type', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_status_code', 'integer')
          .addColumn('last_error', 'text')
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('updated_at', ms, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('webhook_deliveries_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'created_at']).execute();
      },
    },
    '0011_attachments': {
      async up(db: Kysely<any>) {
        // Files live in the database by default: they work across nodes on Postgres with no extra service.
        const blob = dialect === 'postgres' ? 'bytea' : 'blob';
        await db.schema
          .createTable('attachments')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('size', 'integer', (c) => c.notNull())
          .addColumn('width', 'integer')
          .addColumn('height', 'integer')
          .addColumn('data', blob, (c) => c.notNull())
          .addColumn('thumb', blob)
          .addColumn('created_at', ms, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('attachments_conversation').on('attachments').column('conversation_id').execute();
        await db.schema.alterTable('messages').addColumn('attachments', 'text').execute();
      },
    },
    '0012_api_keys': {
      async up(db: Kysely<any>) {
        // Site owners' API keys: only a SHA-256 of the key is kept.
        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('site_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('prefix', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull().unique())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('revoked_at', ms)
          .addColumn('last_used_at', ms)
          .execute();
      },
    },
    '0013_agent_connections': {
      async up(db: Kysely<any>) {
        // Presence across nodes: each console socket is a row its node refreshes; no cross-node calls.
        await db.schema
          .createTable('agent_connections')
          .addColumn('socket_id', 'text', (c) => c.primaryKey())
          .addColumn('agent_id', 'text', (c) => c.notNull())
          .addColumn('site_id', 'text', (c) => c.notNull())
          .addColumn('node_id', 'text', (c) => c.notNull())
          .addColumn('seen_at', ms, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('agent_connections_site').on('agent_connections').columns(['site_id', 'seen_at']).execute();
        await db.schema.createIndex('agent_connections_node').on('agent_connections').column('node_id').execute();
      },
    },
    '0014_conversation_facts': {
      async up(db: Kysely<any>) {
        // The metrics rollup: one small anonymous summary per closed conversation (metrics/queries.ts).
        await db.schema
          .createTable('conversation_facts')
          .addColumn('conversation_id', 'text', (c) => c.primaryKey())
          .addColumn('site_id', 'text', (c) => c.notNull())
          .addColumn('source_updated_at', ms, (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0015_conversation_repeated': {
      async up(db: Kysely<any>) {
        // The latest "customer had to repeat" mark on the conversation itself, so the conversation
        // as agents see it is read without the event log (it was read on every message).
        await db.schema.alterTable('conversations').addColumn('repeated', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await sql`UPDATE conversations SET repeated = 1 WHERE (
          SELECT e.data FROM conversation_events e WHERE e.conversation_id = conversations.id AND e.type = 'repeat_mark' ORDER BY e.id DESC LIMIT 1
        ) LIKE '%"repeated":true%'`.execute(db);
      },
    },
    '0016_conversation_passed_over': {
      async up(db: Kysely<any>) {
        // The agent who let a conversation go (silent or gone): auto-assign does not hand it
        // straight back to them. Cleared when someone takes it.
        await db.schema.alterTable('conversations').addColumn('passed_over', 'text').execute();
        // The agents' list shows the conversations with the bot that moved last.
        await db.schema.createIndex('conversations_site_control_updated').on('conversations').columns(['site_id', 'control', 'updated_at']).execute();
      },
    },
    '0017_visitor_details_verified': {
      async up(db: Kysely<any>) {
        // An HMAC signs the user id alone; a JWT signs the name and email too. Agents are told which.
        await db.schema.alterTable('visitors').addColumn('details_verified', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      },
    },
    '0018_webhook_retry_from': {
      async up(db: Kysely<any>) {
        // Where a delivery's 24-hour retry window starts: its creation, or the admin's last
        // "Resend" / the endpoint's re-enabling (null: the creation).
        await db.schema.alterTable('webhook_deliveries').addColumn('retry_from', ms).execute();
        // Undelivered deliveries of an endpoint, found when it is turned back on.
        await db.schema.createIndex('webhook_deliveries_endpoint_status').on('webhook_deliveries').columns(['endpoint_id', 'status']).execute();
      },
    },
    '0019_conversation_language': {
      async up(db: Kysely<any>) {
        // The visitor's language as the bot read it: notices sent later (a requeue, a reply-later
        // confirmation, a job on another node) speak it too.
        await db.schema.alterTable('conversations').addColumn('language', 'text').execute();
      },
    },
    '0020_voice': {
      async up(db: Kysely<any>) {
        // Voice (issue 18): a message said aloud (its body is the transcript), the visitor's
        // channel while in voice mode, and the number they asked to be called back on.
        await db.schema.alterTable('messages').addColumn('spoken', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable('conversations').addColumn('channel', 'text', (c) => c.notNull().defaultTo('chat')).execute();
        await db.schema.alterTable('conversations').addColumn('callback_phone', 'text').execute();
      },
    },
  };
}

export class CodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}
