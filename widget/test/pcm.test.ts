// Microphone audio to the wire format: 48 kHz (or 44.1 kHz) float to 16 kHz 16-bit little-endian
// PCM, framed under the server's byte limit, with the first syllable kept.
import { describe, expect, it } from 'vitest';
import { Downsampler, Framer, level, toBytes } from '../src/voice/pcm.js';
import { Utterances } from '../src/voice/utterances.js';

function sine(rate: number, hz: number, seconds: number, amplitude: number) {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
}

describe('Downsampler', () => {
  it('turns a second of 48 kHz float into 16,000 Int16 samples of the same tone and amplitude', () => {
    const out = new Downsampler(48_000).push(sine(48_000, 440, 1, 0.5));
    expect(out).toBeInstanceOf(Int16Array);
    expect(out.length).toBe(16_000);
    const peak = Math.max(...out.map(Math.abs));
    // A 3-sample average barely touches 440 Hz: within 1% of 0.5 full scale.
    expect(peak / 0x7fff).toBeGreaterThan(0.49);
    expect(peak / 0x7fff).toBeLessThan(0.51);
    expect(level(out)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    // Zero crossings tell the frequency: 440 Hz is 880 crossings a second.
    let crossings = 0;
    for (let i = 1; i < out.length; i++) if (out[i - 1]! < 0 !== out[i]! < 0) crossings++;
    expect(crossings).toBeGreaterThan(875);
    expect(crossings).toBeLessThan(885);
  });

  it('gives the same samples whatever the chunking, also from 44.1 kHz', () => {
    const input = sine(44_100, 300, 0.5, 0.3);
    const whole = new Downsampler(44_100).push(input);
    const d = new Downsampler(44_100);
    const parts: number[] = [];
    for (let i = 0; i < input.length; i += 128) parts.push(...d.push(input.subarray(i, i + 128)));
    expect(parts.length).toBe(whole.length);
    expect(Math.abs(parts.length - 8000)).toBeLessThanOrEqual(1);
    expect(Int16Array.from(parts)).toEqual(whole);
  });

  it('clips instead of wrapping round', () => {
    const out = new Downsampler(16_000).push(Float32Array.from([2, -2, 1, -1]));
    expect([...out]).toEqual([32767, -32768, 32767, -32768]);
  });
});

describe('wire frames', () => {
  it('are little-endian bytes', () => {
    expect([...toBytes(Int16Array.from([1, -2, 0x1234]))]).toEqual([1, 0, 0xfe, 0xff, 0x34, 0x12]);
  });

  it('Framer hands on whole frames and keeps the rest for the next push', () => {
    const f = new Framer(4);
    expect(f.push(Int16Array.from([1, 2, 3]))).toEqual([]);
    expect(f.push(Int16Array.from([4, 5, 6, 7, 8, 9]))).toEqual([Int16Array.from([1, 2, 3, 4]), Int16Array.from([5, 6, 7, 8])]);
    expect(f.flush()).toEqual([Int16Array.from([9])]);
    expect(f.flush()).toEqual([]);
  });
});

describe('Utterances', () => {
  it('streams 200 ms frames while someone speaks, with the audio just before the onset, then ends', () => {
    const sent: Array<[string, string, number, number]> = [];
    const u = new Utterances(
      {
        frame: (id, seq, pcm) => sent.push(['frame', id, seq, pcm.byteLength]),
        end: (id) => sent.push(['end', id, 0, 0]),
        cancel: (id) => sent.push(['cancel', id, 0, 0]),
      },
      { sampleRate: 48_000, newId: () => 'u1' },
    );
    const chunk = 4800; // 100 ms at 48 kHz
    for (let i = 0; i < 10; i++) u.push(new Float32Array(chunk));
    expect(sent).toEqual([]);
    for (let i = 0; i < 10; i++) u.push(sine(48_000, 200, 0.1, 0.3));
    expect(sent.length).toBeGreaterThan(0); // streamed while speaking, not one blob at the end
    for (let i = 0; i < 10; i++) u.push(new Float32Array(chunk));
    const frames = sent.filter((s) => s[0] === 'frame');
    expect(frames.map((f) => f[2])).toEqual(frames.map((_, i) => i));
    expect(frames.every((f) => f[3] <= 16_000 && f[3] % 2 === 0)).toBe(true);
    expect(frames.slice(0, -1).every((f) => f[3] === 6400)).toBe(true);
    expect(sent.at(-1)).toEqual(['end', 'u1', 0, 0]);
    // 1 s of speech + up to 300 ms before it + the 700 ms hang-over, in 16-bit samples at 16 kHz.
    const bytes = frames.reduce((n, f) => n + f[3], 0);
    expect(bytes).toBeGreaterThanOrEqual(2 * 16_000 * 1.7);
    expect(bytes).toBeLessThanOrEqual(2 * 16_000 * 2.1);
  });
});

describe('Utterances, dropped and held', () => {
  const recorder = () => {
    const sent: string[] = [];
    return {
      sent,
      sink: {
        frame: (_id: string, seq: number) => sent.push(`frame ${seq}`),
        end: (id: string) => sent.push(`end ${id}`),
        cancel: (id: string) => sent.push(`cancel ${id}`),
      },
    };
  };

  it('a sound too short to be words is cancelled on the server, not ended', () => {
    const { sent, sink } = recorder();
    let stops: string[] = [];
    const u = new Utterances(sink, { sampleRate: 16_000, newId: () => 'u1', onStop: (o) => (stops = [...stops, o]) });
    for (let i = 0; i < 5; i++) u.push(new Float32Array(1600));
    for (let i = 0; i < 2; i++) u.push(sine(16_000, 200, 0.1, 0.3)); // 200 ms: past the onset, under the minimum
    for (let i = 0; i < 10; i++) u.push(new Float32Array(1600));
    expect(sent.at(-1)).toBe('cancel u1');
    expect(sent.some((s) => s.startsWith('end'))).toBe(false);
    expect(stops).toEqual(['discard']);
  });

  it('push to talk sends what was said while held, and nothing when paused (muted)', () => {
    const { sent, sink } = recorder();
    const u = new Utterances(sink, { sampleRate: 16_000, mode: 'push-to-talk', newId: () => 'p1' });
    for (let i = 0; i < 5; i++) u.push(sine(16_000, 200, 0.1, 0.3));
    expect(sent).toEqual([]);
    u.press();
    for (let i = 0; i < 5; i++) u.push(sine(16_000, 200, 0.1, 0.3));
    u.release();
    expect(sent.at(-1)).toBe('end p1');
    const before = sent.length;
    u.pause(true);
    u.press();
    for (let i = 0; i < 10; i++) u.push(sine(16_000, 200, 0.1, 0.3));
    u.stop();
    expect(sent.slice(before)).toEqual([]);
  });
});
