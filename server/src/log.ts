// Structured logs. Secrets and visitors' personal data never reach a log line: pino redacts
// them by path (a test scans the log of a whole handoff for them).
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const REDACTED_FIELDS = ['password', 'token', 'visitorToken', 'auth', 'cookie', 'secret', 'email', 'contactEmail', 'phone', 'userHash', 'userJwt', 'body'];

export function createLogger(level: string = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'baton' },
      redact: {
        paths: [
          ...REDACTED_FIELDS,
          ...REDACTED_FIELDS.map((f) => `*.${f}`),
          'headers.cookie',
          'req.headers.cookie',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination as DestinationStream,
  );
}
