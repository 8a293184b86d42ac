import { z } from 'zod';

/** Stable error codes. Clients switch on these; never rename one, only add. */
export const ErrorCode = z.enum([
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'already_claimed',
  'not_in_control',
  'conversation_closed',
  'already_rated',
  'rate_limited',
  'payload_too_large',
  'origin_not_allowed',
  'internal',
  'conflict',
  'invalid_token',
  /** Voice: no speech engine for this language, or the engine failed; the visitor can type instead. */
  'voice_unavailable',
  /** Voice: nothing intelligible was said in the utterance. */
  'not_understood',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiError = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Extra machine-readable facts, e.g. who claimed a conversation first. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ApiError = z.infer<typeof ApiError>;

export const ErrorAck = z.object({ ok: z.literal(false), error: ApiError });
export type ErrorAck = z.infer<typeof ErrorAck>;

/** Builds the ack schema `{ ok: true, ...fields } | { ok: false, error }`. */
export function ackOf<T extends z.ZodRawShape>(fields: T) {
  return z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), ...fields }), ErrorAck]);
}

/** An error that carries a stable code to the edge, where it becomes an error ack or HTTP response. */
export class BatonError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'BatonError';
  }

  toJSON(): ApiError {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/** HTTP status for each code, used by the REST layer. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  already_claimed: 409,
  not_in_control: 409,
  conversation_closed: 409,
  already_rated: 409,
  rate_limited: 429,
  payload_too_large: 413,
  origin_not_allowed: 403,
  internal: 500,
  conflict: 409,
  invalid_token: 400,
  voice_unavailable: 503,
  not_understood: 422,
};
