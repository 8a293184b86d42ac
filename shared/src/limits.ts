// Zod-free so the widget can import it without pulling in the schema library.
/** Limits that the server enforces and the clients respect. */
export const LIMITS = {
  messageBodyMax: 4000,
  clientIdMax: 64,
  nameMax: 120,
  /** Socket.IO maxHttpBufferSize: a payload larger than this is dropped by the transport. */
  maxPayloadBytes: 64 * 1024,
  resumeBatchMax: 500,
} as const;
