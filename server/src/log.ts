// Structured logs. Secrets never reach a log line: pino redacts them by path.
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: { service: 'baton' },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'visitorToken',
        '*.visitorToken',
        'auth',
        '*.auth',
        'cookie',
        '*.cookie',
        'headers.cookie',
        'req.headers.cookie',
        'req.headers.authorization',
        'secret',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  });
}
