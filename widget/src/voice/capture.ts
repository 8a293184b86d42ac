// The microphone: permission, the audio graph, and chunks of float samples out. An AudioWorklet
// when the page lets us load one from a Blob URL; a ScriptProcessorNode when its CSP forbids
// blob: (deprecated, main-thread, but everywhere).

/** Why voice cannot start here; each gets its own words in the widget and the console. */
export type VoiceProblem = 'unsupported' | 'denied' | 'no_device' | 'unavailable' | 'rate_limited';

export class VoiceError extends Error {
  constructor(readonly problem: VoiceProblem, message: string = problem) {
    super(message);
  }
}

/** A getUserMedia or AudioContext failure as one of our problems (DOMException names from the spec). */
export function problemOf(error: unknown): VoiceProblem {
  if (error instanceof VoiceError) return error.problem;
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
  if (name === 'NotFoundError' || name === 'NotReadableError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'no_device';
  return 'unsupported';
}

export const MIC_CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
};

/** The microphone stream, or a VoiceError saying why not. */
export async function openMicrophone(): Promise<MediaStream> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) throw new VoiceError('unsupported');
  try {
    return await navigator.mediaDevices.getUserMedia(MIC_CONSTRAINTS);
  } catch (error) {
    throw new VoiceError(problemOf(error), String(error));
  }
}

export interface Capture {
  readonly sampleRate: number;
  /** Which path the samples take, for a bug report: 'worklet' or 'script-processor'. */
  readonly via: 'worklet' | 'script-processor';
  stop(): void;
}

// Batches 128-sample render quanta into ~40 ms posts: 375 messages a second would cost more than the audio.
const WORKLET = `registerProcessor('baton-capture', class extends AudioWorkletProcessor {
  constructor() { super(); this.buf = new Float32Array(2048); this.n = 0; }
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (ch) for (let i = 0; i < ch.length; i++) {
      this.buf[this.n++] = ch[i];
      if (this.n === this.buf.length) { this.port.postMessage(this.buf.slice(0)); this.n = 0; }
    }
    return true;
  }
});`;

async function loadWorklet(context: AudioContext): Promise<boolean> {
  if (!context.audioWorklet || typeof Blob === 'undefined' || !URL.createObjectURL) return false;
  const url = URL.createObjectURL(new Blob([WORKLET], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
    return true;
  } catch {
    return false; // a CSP without blob: in worker-src/script-src
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Feeds `onChunk` with the stream's first channel at the context's rate until `stop()`. */
export async function startCapture(context: AudioContext, stream: MediaStream, onChunk: (samples: Float32Array) => void): Promise<Capture> {
  const source = context.createMediaStreamSource(stream);
  // Processing nodes only run when something pulls them: a silent gain into the speakers.
  const sink = context.createGain();
  sink.gain.value = 0;
  sink.connect(context.destination);
  let node: AudioNode;
  let via: Capture['via'];
  if (await loadWorklet(context)) {
    const worklet = new AudioWorkletNode(context, 'baton-capture', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1 });
    worklet.port.onmessage = (e: MessageEvent<Float32Array>) => onChunk(e.data);
    node = worklet;
    via = 'worklet';
  } else {
    const processor = context.createScriptProcessor(2048, 1, 1);
    processor.onaudioprocess = (e) => onChunk(new Float32Array(e.inputBuffer.getChannelData(0)));
    node = processor;
    via = 'script-processor';
  }
  source.connect(node);
  node.connect(sink);
  return {
    sampleRate: context.sampleRate,
    via,
    stop() {
      source.disconnect();
      node.disconnect();
      sink.disconnect();
      if (node instanceof AudioWorkletNode) node.port.onmessage = null;
      else (node as ScriptProcessorNode).onaudioprocess = null;
    },
  };
}

export function stopStream(stream: MediaStream | null) {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
