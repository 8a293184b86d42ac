// Real Baton processes for the multi-node tests: one fresh PostgreSQL database, shared Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { TEST_PG_URL } from './db.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVER_DIR = resolve(import.meta.dirname, '../..');

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

export interface Node {
  url: string;
  port: number;
  child: ChildProcess;
  output: string[];
}

export function startNode(port: number, env: Record<string, string>): Node {
  // BENCH_PROFILE=dir in the environment given: the node writes a CPU profile there on exit.
  const profile = env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  return { url: `http://127.0.0.1:${port}`, port, child, output };
}

export async function ready(node: Node, timeoutMs = 30_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (node.child.exitCode !== null) throw new Error(`node exited: ${node.output.join('')}`);
    const ok = await fetch(`${node.url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`node not ready: ${node.output.join('')}`);
}

/** A fresh database for a cluster, and the environment its nodes share. */
export async function clusterDatabase(label: string) {
  const database = `baton_${label}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${database}`;
  const env = {
    DATABASE_URL: url.toString(),
    REDIS_URL,
    REDIS_STREAM: database,
    BATON_SECRET: 'cluster-test-secret-0123456789abcdef0123',
    BATON_DEMO: '1',
    BATON_DATA_DIR: mkdtempSync(join(tmpdir(), 'baton-node-')),
  };
  return {
    env,
    async drop(nodes: Node[]) {
      for (const n of nodes) if (n.child.exitCode === null) n.child.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
      await admin.end();
      const redis = new Redis(REDIS_URL);
      await redis.del(database).catch(() => {});
      const counters = await redis.keys(`${database}:*`).catch(() => [] as string[]);
      if (counters.length) await redis.del(...counters).catch(() => {});
      await redis.quit();
    },
  };
}
