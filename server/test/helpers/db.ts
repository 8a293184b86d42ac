// Store factories for tests: every suite that needs a database runs against both.
// SQLite: a file in a fresh temp dir. Postgres: a fresh schema in the `test` database at
// 127.0.0.1:5432 (override with TEST_DATABASE_URL), dropped afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';

export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface StoreFactory {
  name: 'sqlite' | 'postgres';
  /** A migrated, empty store and its cleanup. */
  create(): Promise<{ store: Store; url: string; pgSchema?: string; cleanup(): Promise<void> }>;
}

let counter = 0;
// Random too: test runs in other containers share the database, and their pids can be ours.
const unique = () => `${process.pid}_${Date.now().toString(36)}_${(counter++).toString(36)}_${randomBytes(4).toString('hex')}`;

export const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'baton-test-'));
    const url = `sqlite:${join(dir, 'baton.sqlite')}`;
    const store = await createStore(url);
    await store.migrate();
    return {
      store,
      url,
      async cleanup() {
        await store.close().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const postgresFactory: StoreFactory = {
  name: 'postgres',
  async create() {
    const schema = `t_${unique()}`;
    const store = await createStore(TEST_PG_URL, { pgSchema: schema, poolSize: 12 });
    await store.migrate();
    return {
      store,
      url: TEST_PG_URL,
      pgSchema: schema,
      async cleanup() {
        await store.close().catch(() => {});
        const client = new pg.Client({ connectionString: TEST_PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      },
    };
  },
};

export const storeFactories: StoreFactory[] = [sqliteFactory, postgresFactory];
