// Configuration from the environment, validated once at start. A bad value stops the server
// with one line per problem, naming the variable.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import proxyaddr from 'proxy-addr';
import { IceServer } from '@baton/shared';
import { z } from 'zod';
import { type SpeechConfig, SpeechConfigError, speechConfigFromEnv } from './speech/index.js';

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:|file:)/, 'must start with postgres://, postgresql://, sqlite: or file:')
    .optional(),
  BATON_SECRET: z.string().min(32, 'must be at least 32 characters (use 32+ random bytes)').optional(),
  BATON_DEMO: flag.optional(),
  BATON_DATA_DIR: z.string().min(1).default('./data'),
  /** Where the built widget and console are (default widget/dist): a build of your own, or a test's. */
  BATON_STATIC_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A copy of the log in this file too (read by log.ts; e2e runs scan it), at its own level. */
  BATON_LOG_FILE: z.string().min(1).optional(),
  BATON_LOG_FILE_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).optional(),
  PUBLIC_URL: z.string().url().optional(),
  BATON_LLM_BASE_URL: z.string().url().optional(),
  BATON_LLM_API_KEY: z.string().optional(),
  BATON_LLM_MODEL: z.string().min(1).optional(),
  // One deadline for the model's calls in a bot turn, under the 10 s a turn may take (docs/playbook.md).
  BATON_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(8_000).optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('Baton <no-reply@localhost>'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  BATON_WEBHOOKS_ALLOW_PRIVATE: flag.optional(),
  /** New conversations one client address may open per hour on one site (abuse control). */
  BATON_CONVERSATIONS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(60),
  BATON_NEW_VISITORS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  BATON_SOCKETS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** Which peers may set X-Forwarded-For (proxy-addr names or addresses/CIDRs, comma-separated). */
  TRUST_PROXY: z
    .string()
    .default('loopback')
    .refine((v) => {
      try {
        proxyaddr.compile(trustList(v));
        return true;
      } catch {
        return false;
      }
    }, 'must be a comma-separated list of loopback, linklocal, uniquelocal or IP addresses/CIDRs'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  /** The Redis stream the nodes of one Baton cluster share (another cluster on the same Redis uses another name). */
  REDIS_STREAM: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits, : _ - (at most 64)').default('baton'),
  /** Voice calls between visitor and agent: STUN/TURN servers as a JSON array of RTCIceServer objects. */
  BATON_ICE_SERVERS: z
    .string()
    .transform((v, c) => {
      try {
        return z.array(IceServer).max(10).parse(JSON.parse(v));
      } catch {
        c.addIssue({ code: 'custom', message: 'a JSON array such as [{"urls":"stun:stun.example.org:3478"},{"urls":"turn:turn.example.org","username":"u","credential":"p"}]' });
        return z.NEVER;
      }
    })
    .optional(),
  /** Voice mode off everywhere (on by default when a speech engine is there). */
  BATON_VOICE: flag.optional(),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  secret: string;
  /** True when the secret was generated for this data directory rather than configured. */
  secretGenerated: boolean;
  demo: boolean;
  dataDir: string;
  staticDir: string | undefined;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  publicUrl: string | undefined;
  llm: { baseUrl: string; apiKey?: string; model: string; timeoutMs?: number } | undefined;
  voice: { enabled: boolean; iceServers: IceServer[] };
  speech: SpeechConfig;
  /** Reply-later emails; unset = replies wait in the chat only. */
  smtp: { url: string; from: string } | undefined;
  metricsToken: string | undefined;
  /** Proxies whose X-Forwarded-For is believed (HTTP and sockets alike). */
  trustProxy: string[];
  /** Several nodes: Socket.IO fan-out through Redis (needs Postgres). */
  redisUrl: string | undefined;
  redisStream: string;
  allowPrivateWebhooks: boolean;
  conversationsPerIpPerHour: number;
  newVisitorsPerIpPerMinute: number;
  socketsPerIp: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the generated demo secret, creating it (mode 0600) on first start. */
function persistedSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** `TRUST_PROXY` as a list: "loopback, 10.0.0.0/8" → ["loopback", "10.0.0.0/8"]. */
export const trustList = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

function speechConfig(env: NodeJS.ProcessEnv): SpeechConfig {
  try {
    return speechConfigFromEnv(env);
  } catch (error) {
    if (error instanceof SpeechConfigError) throw new ConfigError(error.problems);
    throw error;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset", as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  if (e.BATON_LLM_BASE_URL && !e.BATON_LLM_MODEL) {
    throw new ConfigError(['BATON_LLM_MODEL: required when BATON_LLM_BASE_URL is set']);
  }
  if (e.REDIS_URL && !/^postgres(ql)?:\/\//.test(e.DATABASE_URL ?? '')) {
    throw new ConfigError([
      'REDIS_URL: several nodes need a shared database — set DATABASE_URL=postgres://… (an SQLite file cannot be shared between nodes)',
    ]);
  }
  const dataDir = resolve(e.BATON_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    secret: e.BATON_SECRET ?? persistedSecret(dataDir),
    secretGenerated: !e.BATON_SECRET,
    demo: e.BATON_DEMO ?? !e.DATABASE_URL,
    dataDir,
    staticDir: e.BATON_STATIC_DIR ? resolve(e.BATON_STATIC_DIR) : undefined,
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.MAIL_FROM } : undefined,
    metricsToken: e.METRICS_TOKEN,
    redisUrl: e.REDIS_URL,
    redisStream: e.REDIS_STREAM,
    allowPrivateWebhooks: e.BATON_WEBHOOKS_ALLOW_PRIVATE ?? false,
    conversationsPerIpPerHour: e.BATON_CONVERSATIONS_PER_IP_PER_HOUR,
    newVisitorsPerIpPerMinute: e.BATON_NEW_VISITORS_PER_IP_PER_MINUTE,
    socketsPerIp: e.BATON_SOCKETS_PER_IP,
    trustProxy: trustList(e.TRUST_PROXY),
    llm:
      e.BATON_LLM_BASE_URL && e.BATON_LLM_MODEL
        ? {
            baseUrl: e.BATON_LLM_BASE_URL,
            model: e.BATON_LLM_MODEL,
            ...(e.BATON_LLM_API_KEY ? { apiKey: e.BATON_LLM_API_KEY } : {}),
            ...(e.BATON_LLM_TIMEOUT_MS ? { timeoutMs: e.BATON_LLM_TIMEOUT_MS } : {}),
          }
        : undefined,
    voice: { enabled: e.BATON_VOICE ?? true, iceServers: e.BATON_ICE_SERVERS ?? [] },
    speech: speechConfig(env),
  };
}

/** The configuration, or a message naming what is wrong and exit 1 (the server and the command line). */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
