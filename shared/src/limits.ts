// Zod-free so the widget can import it without pulling in the schema library.
/** Limits that the server enforces and the clients respect. */
export const LIMITS = {
  messageBodyMax: 4000,
  clientIdMax: 64,
  nameMax: 120,
  /** Socket.IO maxHttpBufferSize: a payload larger than this is dropped by the transport. */
  maxPayloadBytes: 64 * 1024,
  resumeBatchMax: 500,
  /** Voice: the audio clients send is 16-bit little-endian PCM, mono, at this rate. */
  voiceSampleRate: 16_000,
  /** Voice: one frame of audio, at most half a second. */
  voiceFrameMaxBytes: 16_000,
  /** Voice: one utterance (from "listening" to its end), at most 30 seconds. */
  voiceUtteranceMaxMs: 30_000,
  /** WebRTC signalling: an SDP offer or answer, in characters. */
  sdpMax: 20_000,
} as const;
