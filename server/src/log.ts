// Structured logs. Secrets and visitors' personal data never reach a log line, at any depth:
// fields with a sensitive name are replaced wherever they sit, and every string on its way out
// (messages, error messages and stacks, nested values) is scrubbed of emails, phone and card
// numbers, bearer and visitor tokens, API keys, signed links and set-password links. Tests scan
// the log of whole flows for them (server/test/integration/security.test.ts).
import { createWriteStream } from 'node:fs';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const CENSOR = '[redacted]';

/** Field names whose values are never logged, at any depth. */
const REDACTED_FIELDS = [
  'password', 'passwordHash', 'token', 'tokenHash', 'visitorToken', 'auth', 'authorization', 'cookie', 'set-cookie', 'secret',
  'identitySecret', 'identitySecretPrevious', 'apiKey', 'email', 'contactEmail', 'phone', 'phoneNumber', 'mobile', 'tel',
  'userHash', 'userJwt', 'body', 'comment', 'setPasswordUrl',
];
const REDACTED = new Set(REDACTED_FIELDS.map((f) => f.toLowerCase()));
const WORD_FIELDS = REDACTED_FIELDS.filter((f) => /^\w+$/.test(f));

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Runs of digits with separators: phone and card numbers (checked further in `numberLike`). */
const DIGITS = /\+?\(?\d[\d\s().-]{7,}\d/g;
const SIGNED_PARAM = /([?&](?:sig|signature|token|key|code)=)[^&#\s"'<>]*/gi;
const SET_PASSWORD_LINK = /(\/set-password)#[^\s"'<>]*/g;
const BEARER = /(Bearer\s+)[^\s"',;]+/gi;
const VISITOR_TOKEN = /\bv1\.[\w-]+\.[\w-]+\.[\w-]{16,}/g;
const API_KEY = /\bbk_[\w-]{8,}/g;

/** A phone or card number rather than a date, a time or an id: 9–19 digits, written like a number people type. */
function numberLike(match: string): boolean {
  const digits = match.replace(/\D/g, '').length;
  if (digits < 9 || digits > 19) return false;
  if (/^\d{4}-\d{2}-\d{2}/.test(match)) return false;
  const groups = match.split(/[\s().-]+/).filter(Boolean).length;
  return match.startsWith('+') || match.startsWith('(') || groups >= 3;
}

/** One string, scrubbed of what must not be logged. */
export function scrubText(text: string): string {
  return text
    .replace(SET_PASSWORD_LINK, `$1#${CENSOR}`)
    .replace(SIGNED_PARAM, `$1${CENSOR}`)
    .replace(BEARER, `$1${CENSOR}`)
    .replace(VISITOR_TOKEN, CENSOR)
    .replace(API_KEY, CENSOR)
    .replace(EMAIL, CENSOR)
    .replace(DIGITS, (m) => (numberLike(m) ? CENSOR : m));
}

/** A copy of a log argument with sensitive fields replaced and every string scrubbed, at any depth. */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof URL) return scrubText(value.href);
  if (seen.has(value) || depth > 8) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  if (value instanceof Error) {
    // Errors (a database's duplicate-key detail, a mail server's answer) may quote personal data.
    out.type = value.constructor?.name ?? 'Error';
    out.message = scrubText(value.message);
    if (value.stack) out.stack = scrubText(value.stack);
    if ('cause' in value && value.cause !== undefined) out.cause = scrub(value.cause, depth + 1, seen);
  }
  for (const [key, v] of Object.entries(value)) {
    out[key] = REDACTED.has(key.toLowerCase()) ? CENSOR : scrub(v, depth + 1, seen);
  }
  return out;
}

/**
 * The process log: stdout, and also a file when BATON_LOG_FILE is set (so the log of a whole e2e
 * run, whose stdout Playwright keeps to itself, can be scanned), at BATON_LOG_FILE_LEVEL (default:
 * the same level).
 */
function defaultDestination(level: string): { stream: DestinationStream | undefined; level: string } {
  const file = process.env.BATON_LOG_FILE;
  if (!file) return { stream: undefined, level };
  const fileLevel = process.env.BATON_LOG_FILE_LEVEL || level;
  const levels = pino.levels.values;
  const lowest = (levels[fileLevel] ?? Infinity) < (levels[level] ?? Infinity) ? fileLevel : level;
  const stream = pino.multistream([
    { level: level as pino.Level, stream: process.stdout },
    { level: fileLevel as pino.Level, stream: createWriteStream(file, { flags: 'a' }) },
  ]);
  return { stream, level: lowest };
}

export function createLogger(level: string = 'info', destination?: DestinationStream): Logger {
  const target = destination ? { stream: destination, level } : level === 'silent' ? { stream: undefined, level } : defaultDestination(level);
  return pino(
    {
      level: target.level,
      base: { service: 'baton' },
      hooks: {
        logMethod(args, method) {
          const first = args[0];
          // logger.error(err, 'msg'): keep pino's `err` shape, scrubbed.
          const scrubbed = (first instanceof Error ? [{ err: first }, ...args.slice(1)] : args).map((a) => scrub(a));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      redact: {
        // A second line of defence for the fields above (the hook has already replaced them).
        paths: [...WORD_FIELDS, ...WORD_FIELDS.map((f) => `*.${f}`), 'req.headers.cookie', 'req.headers.authorization'],
        censor: CENSOR,
      },
    },
    target.stream as DestinationStream,
  );
}
