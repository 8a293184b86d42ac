// createStore: SQLite (default, embedded) or Postgres, chosen by DATABASE_URL.
// The caller runs `store.migrate()`; Kysely's migrator takes a Postgres advisory lock, so two
// nodes starting at once on one database migrate once.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { KyselyStore } from './kysely-store.js';
import type { Database } from './schema.js';
import type { Store } from './types.js';

export type { Store } from './types.js';

export interface StoreOptions {
  /** Where the default SQLite file lives. */
  dataDir?: string;
  /** Postgres only: a schema to create and use (tests isolate themselves this way). */
  pgSchema?: string;
  poolSize?: number;
}

export function describeDatabaseUrl(url: string | undefined, dataDir = './data'): { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string } {
  if (!url) return { kind: 'sqlite', path: resolve(dataDir, 'baton.sqlite') };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  const sqlite = /^(sqlite|file):(.+)$/.exec(url);
  if (sqlite?.[2]) return { kind: 'sqlite', path: sqlite[2] === ':memory:' ? ':memory:' : resolve(sqlite[2]) };
  throw new Error(
    `DATABASE_URL must be unset (embedded SQLite), sqlite:PATH, file:PATH or postgres://user@host:port/db — got "${url.replace(/\/\/[^@]*@/, '//***@')}".`,
  );
}

export async function createStore(url: string | undefined, options: StoreOptions = {}): Promise<Store> {
  const target = describeDatabaseUrl(url, options.dataDir);
  if (target.kind === 'sqlite') {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    const database = new SQLite(target.path);
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    database.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    return new KyselyStore(db, 'sqlite');
  }

  const schema = options.pgSchema;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid Postgres schema name: ${schema}`);
  if (schema) {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    // int8 (counts, epoch ms) as numbers: every value we store fits in 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return new KyselyStore(db, 'postgres', false, undefined, schema);
}
