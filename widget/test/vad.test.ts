// The energy VAD: utterances start after a short onset above the noise floor, survive pauses
// shorter than the hang-over, end after it, and are dropped when too short; push-to-talk follows
// the button only.
import { describe, expect, it } from 'vitest';
import { Vad, type VadEvent } from '../src/voice/vad.js';

const FRAME = 20; // ms a chunk
const QUIET = 0.002;
const LOUD = 0.1;

/** Feeds `ms` of one level and returns the events, each with the time it came at. */
function run(vad: Vad, script: Array<[level: number, ms: number]>) {
  const out: Array<VadEvent & { at: number }> = [];
  let t = 0;
  for (const [level, ms] of script) {
    for (let i = 0; i < ms; i += FRAME) {
      t += FRAME;
      for (const e of vad.feed(level, FRAME)) out.push({ ...e, at: t });
    }
  }
  return out;
}

describe('Vad, hands-free', () => {
  it('starts an utterance after the onset of speech and ends it a hang-over after the last word', () => {
    const vad = new Vad('hands-free');
    const events = run(vad, [
      [QUIET, 1000],
      [LOUD, 800],
      [QUIET, 1000],
    ]);
    expect(events.map((e) => e.kind)).toEqual(['start', 'end']);
    expect(events[0]!.at).toBe(1000 + 120);
    expect(events[1]!.at).toBe(1800 + 700);
    expect(events[1]).toMatchObject({ speechMs: 800 });
  });

  it('keeps one utterance through a pause shorter than the hang-over', () => {
    const vad = new Vad('hands-free');
    const events = run(vad, [
      [QUIET, 500],
      [LOUD, 400],
      [QUIET, 600],
      [LOUD, 400],
      [QUIET, 800],
    ]);
    expect(events.map((e) => e.kind)).toEqual(['start', 'end']);
  });

  it('drops a sound too short to be words (a cough), and ignores clicks shorter than the onset', () => {
    const vad = new Vad('hands-free');
    expect(run(vad, [[QUIET, 500], [LOUD, 60], [QUIET, 500]])).toEqual([]);
    expect(run(vad, [[LOUD, 160], [QUIET, 800]]).map((e) => e.kind)).toEqual(['start', 'discard']);
  });

  it('follows the room: steady noise raises the floor, so it does not count as speech', () => {
    const vad = new Vad('hands-free');
    // A fan at 0.02 from the start: the floor is that level, speech must be 3× louder.
    expect(run(vad, [[0.02, 3000]])).toEqual([]);
    expect(vad.noiseFloor).toBeCloseTo(0.02, 3);
    expect(run(vad, [[0.05, 400]])).toEqual([]);
    expect(run(vad, [[0.1, 400], [0.02, 800]]).map((e) => e.kind)).toEqual(['start', 'end']);
  });

  it('does not let speech lift the floor, and a quieter room lowers it at once', () => {
    const vad = new Vad('hands-free');
    run(vad, [[0.01, 200], [LOUD, 5000]]);
    expect(vad.noiseFloor).toBeCloseTo(0.01, 3);
    run(vad, [[0.001, 800]]); // the utterance ends; the room is quieter now
    expect(vad.noiseFloor).toBeCloseTo(0.001, 4);
  });

  it('ends an utterance at the server limit even while the speaker goes on', () => {
    const vad = new Vad('hands-free', { maxMs: 2000 });
    const events = run(vad, [[QUIET, 200], [LOUD, 3000]]);
    expect(events.map((e) => e.kind)).toEqual(['start', 'end', 'start']);
  });

  it('needs louder speech while the guard is up (our own playback in the speakers)', () => {
    const vad = new Vad('hands-free');
    vad.guard = 2;
    expect(run(vad, [[0.01, 200], [0.05, 400]])).toEqual([]);
    vad.guard = 1;
    expect(run(vad, [[0.05, 400]]).map((e) => e.kind)).toEqual(['start']);
  });
});

describe('Vad, push to talk', () => {
  it('follows the button, not the level', () => {
    const vad = new Vad('push-to-talk');
    expect(run(vad, [[LOUD, 1000]])).toEqual([]);
    expect(vad.press()).toEqual([{ kind: 'start' }]);
    expect(vad.press()).toEqual([]); // key repeat
    expect(run(vad, [[QUIET, 2000]])).toEqual([]); // silence while held does not end it
    expect(vad.release()).toEqual([{ kind: 'end', speechMs: 2000 }]);
    expect(vad.release()).toEqual([]);
  });

  it('drops a press too short to hold words', () => {
    const vad = new Vad('push-to-talk');
    vad.press();
    run(vad, [[LOUD, 100]]);
    expect(vad.release()).toEqual([{ kind: 'discard' }]);
  });

  it('switching mode drops the utterance in progress', () => {
    const vad = new Vad('hands-free');
    run(vad, [[QUIET, 200], [LOUD, 300]]);
    expect(vad.inUtterance).toBe(true);
    expect(vad.reset('push-to-talk')).toEqual([{ kind: 'discard' }]);
    expect(vad.mode).toBe('push-to-talk');
    expect(vad.inUtterance).toBe(false);
  });
});
