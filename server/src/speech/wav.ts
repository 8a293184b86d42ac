// WAV (RIFF) for 16-bit PCM mono: the header engines write around PCM, and a reader that finds
// the samples in a WAV someone else wrote (espeak-ng's stdout has placeholder sizes).
import { SAMPLE_RATE } from './types.js';

export interface Pcm { samples: Buffer; sampleRate: number; channels: number; bitsPerSample: number }

export function pcmToWav(pcm: Buffer, sampleRate = SAMPLE_RATE): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

/** The format and samples of a PCM WAV; a data size past the end (streamed WAVs) means "to the end". */
export function readWav(wav: Buffer): Pcm {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a RIFF WAVE file');
  let offset = 12;
  let format: Omit<Pcm, 'samples'> | undefined;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    const start = offset + 8;
    if (id === 'fmt ') {
      if (wav.readUInt16LE(start) !== 1) throw new Error('WAV is not PCM');
      format = { channels: wav.readUInt16LE(start + 2), sampleRate: wav.readUInt32LE(start + 4), bitsPerSample: wav.readUInt16LE(start + 14) };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data before its format');
      const end = size === 0 || start + size > wav.length ? wav.length : start + size;
      return { ...format, samples: wav.subarray(start, end - ((end - start) % 2)) };
    }
    offset = start + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}
