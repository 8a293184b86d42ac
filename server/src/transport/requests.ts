// One adapter from Socket.IO request events to handlers: validate with the shared schema,
// call the handler, acknowledge. Bad input gets a `bad_request` ack; a thrown BatonError its
// code; anything else `internal`. Nothing a client sends can crash the process.
import { BatonError, type ErrorAck } from '@baton/shared';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { Logger } from '../log.js';

type RequestMap = Record<string, { request: z.ZodType; ack: z.ZodType }>;
type SuccessOf<A> = A extends { ok: true } ? Omit<A, 'ok'> : never;

export type Handlers<M extends RequestMap> = {
  [K in keyof M]: (payload: z.infer<M[K]['request']>) => Promise<SuccessOf<z.infer<M[K]['ack']>>>;
};

export function errorAck(error: unknown, logger: Logger, event: string): ErrorAck {
  if (error instanceof BatonError) return { ok: false, error: error.toJSON() };
  logger.error({ err: error, event }, 'request failed');
  return { ok: false, error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } };
}

/** Runs before every request's handler; a thrown BatonError refuses the request with its code. */
export type RequestGuard = () => void;

export function registerRequests<M extends RequestMap>(socket: Socket, map: M, handlers: Handlers<M>, logger: Logger, guard?: RequestGuard) {
  // An event this namespace does not know still gets an answer, rather than a client waiting forever.
  socket.onAny((event: string, ...args: unknown[]) => {
    if (Object.hasOwn(map, event)) return;
    const last = args.at(-1);
    if (typeof last === 'function') {
      (last as (r: unknown) => void)({ ok: false, error: { code: 'bad_request', message: `Unknown event "${String(event).slice(0, 64)}".` } });
    }
  });
  for (const event of Object.keys(map) as (keyof M & string)[]) {
    (socket as unknown as { on(e: string, l: (...args: unknown[]) => void): void }).on(event, async (...args: unknown[]) => {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as (r: unknown) => void) : () => {};
      const payload = typeof last === 'function' ? args.length > 1 ? args[0] : undefined : args[0];
      const parsed = map[event]!.request.safeParse(payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
        ack({ ok: false, error: { code: 'bad_request', message: `${where}${issue?.message ?? 'invalid payload'}` } });
        return;
      }
      try {
        guard?.();
        const result = await handlers[event](parsed.data as z.infer<M[typeof event]['request']>);
        ack({ ok: true, ...result });
      } catch (error) {
        ack(errorAck(error, logger, event));
      }
    });
  }
}

/** A handshake refusal: the client receives `connect_error` with `err.data = { code, message }`. */
export function refuse(code: string, message: string) {
  const error = new Error(message) as Error & { data: { code: string; message: string } };
  error.data = { code, message };
  return error;
}
