// Microphone audio as the server wants it (shared/limits: 16-bit little-endian PCM, mono, 16 kHz).
// The AudioContext runs at the device's rate (mostly 48 kHz): we downsample in the page, so a
// frame is a third of the bytes and the server never resamples.

/**
 * Downsamples float audio chunk by chunk, keeping its place between chunks so a stream cut into
 * arbitrary chunks gives the same samples as one long buffer. Each output sample averages the
 * input samples it covers: a box filter, enough to keep speech above 8 kHz from folding back.
 */
export class Downsampler {
  private carry = new Float32Array(0);
  /** The stream position of carry[0], and how many samples came out: integers, so no drift. */
  private base = 0;
  private produced = 0;

  constructor(
    readonly inRate: number,
    readonly outRate = 16_000,
  ) {
    if (inRate < outRate) throw new Error(`cannot upsample ${inRate} Hz to ${outRate} Hz`);
  }

  push(input: Float32Array): Int16Array {
    const samples = new Float32Array(this.carry.length + input.length);
    samples.set(this.carry);
    samples.set(input, this.carry.length);
    const at = (n: number) => Math.floor((n * this.inRate) / this.outRate);
    const out = new Int16Array(Math.ceil((samples.length * this.outRate) / this.inRate) + 1);
    let count = 0;
    while (at(this.produced + 1) <= this.base + samples.length) {
      const from = at(this.produced) - this.base;
      const to = at(this.produced + 1) - this.base;
      let sum = 0;
      for (let j = from; j < to; j++) sum += samples[j]!;
      out[count++] = toInt16(sum / (to - from));
      this.produced += 1;
    }
    const next = at(this.produced);
    this.carry = samples.slice(next - this.base);
    this.base = next;
    return out.slice(0, count);
  }
}

function toInt16(x: number): number {
  const clamped = Math.max(-1, Math.min(1, x));
  return Math.round(clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff);
}

/** Root mean square of a chunk, 0 (silence) to 1 (full scale): what the VAD compares. */
export function level(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) sum += (s / 0x8000) ** 2;
  return Math.sqrt(sum / samples.length);
}

/** Little-endian bytes whatever the platform's order (the wire format says little-endian). */
export function toBytes(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  samples.forEach((s, i) => view.setInt16(i * 2, s, true));
  return bytes;
}

/** Collects samples and hands them on in frames of `frameSamples` (the last one may be shorter). */
export class Framer {
  private parts: Int16Array[] = [];
  private held = 0;

  constructor(private readonly frameSamples: number) {}

  push(samples: Int16Array): Int16Array[] {
    this.parts.push(samples);
    this.held += samples.length;
    const frames: Int16Array[] = [];
    while (this.held >= this.frameSamples) frames.push(this.take(this.frameSamples));
    return frames;
  }

  /** What is left, as one short frame (or nothing). */
  flush(): Int16Array[] {
    return this.held > 0 ? [this.take(this.held)] : [];
  }

  private take(n: number): Int16Array {
    const out = new Int16Array(n);
    let filled = 0;
    while (filled < n) {
      const part = this.parts[0]!;
      const used = Math.min(part.length, n - filled);
      out.set(part.subarray(0, used), filled);
      filled += used;
      if (used === part.length) this.parts.shift();
      else this.parts[0] = part.subarray(used);
    }
    this.held -= n;
    return out;
  }
}
