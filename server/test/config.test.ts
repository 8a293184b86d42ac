// Configuration is validated at start: one clear line per bad value.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('config', () => {
  it('defaults to embedded SQLite in demo mode and persists a generated secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-config-'));
    const first = loadConfig({ BATON_DATA_DIR: dir });
    expect(first).toMatchObject({ port: 3000, databaseUrl: undefined, demo: true, secretGenerated: true });
    expect(existsSync(join(dir, 'secret'))).toBe(true);
    expect(statSync(join(dir, 'secret')).mode & 0o777).toBe(0o600);
    expect(loadConfig({ BATON_DATA_DIR: dir }).secret).toBe(first.secret);
    expect(readFileSync(join(dir, 'secret'), 'utf8')).toBe(first.secret);
  });

  it('takes explicit values and turns demo off with a database URL', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@h/db', BATON_SECRET: 'x'.repeat(32), HOST: '127.0.0.1' });
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', databaseUrl: 'postgres://u@h/db', demo: false, secretGenerated: false });
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db', BATON_SECRET: 'x'.repeat(32), BATON_DEMO: '1' }).demo).toBe(true);
  });

  it('names every bad value', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', BATON_SECRET: 'short', BATON_DEMO: 'maybe', LOG_LEVEL: 'loud', BATON_LOG_FILE_LEVEL: 'everything', BATON_LLM_TIMEOUT_MS: '30000' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    // A model deadline longer than a bot turn may take would end every slow answer in a generic handoff.
    for (const name of ['PORT', 'DATABASE_URL', 'BATON_SECRET', 'BATON_DEMO', 'LOG_LEVEL', 'BATON_LOG_FILE_LEVEL', 'BATON_LLM_TIMEOUT_MS']) expect(problems).toContain(name);
  });

  it('refuses several nodes on SQLite, and bad SMTP, Redis and metrics values, by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-config-'));
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', BATON_DATA_DIR: dir })).toThrow(/REDIS_URL: several nodes need a shared database/);
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'sqlite:./x.db', BATON_DATA_DIR: dir })).toThrow(/DATABASE_URL=postgres/);
    const ok = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://u@h/db', BATON_SECRET: 'x'.repeat(32) });
    expect(ok).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', redisStream: 'baton', demo: false });
    let error: unknown;
    try {
      loadConfig({ SMTP_URL: 'mail.example', REDIS_URL: 'http://r', METRICS_TOKEN: 'short', REDIS_STREAM: 'a b', TRUST_PROXY: 'loopback, not-an-address', BATON_DATA_DIR: dir });
    } catch (e) {
      error = e;
    }
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['SMTP_URL', 'REDIS_URL', 'METRICS_TOKEN', 'REDIS_STREAM', 'TRUST_PROXY']) expect(problems).toContain(name);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8', BATON_DATA_DIR: dir }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
  });
});
