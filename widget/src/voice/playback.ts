// Spoken answers: the speech engine's audio (WAV from the embedded engine, MP3 from a hosted one)
// decoded into the same AudioContext as the microphone, one at a time, stoppable at once.

export interface Player {
  /** Plays the audio; resolves when it ended or was stopped. */
  play(audio: ArrayBuffer | Uint8Array): Promise<void>;
  /** Stops what plays now (the visitor started to speak). */
  stop(): void;
  readonly playing: boolean;
}

export function createPlayer(context: AudioContext): Player {
  let current: { source: AudioBufferSourceNode; done: () => void } | null = null;
  // A stop while the audio still decodes must win over the play that started it.
  let generation = 0;
  const stop = () => {
    generation += 1;
    const now = current;
    current = null;
    if (!now) return;
    now.source.onended = null;
    try {
      now.source.stop();
    } catch {
      // not started yet
    }
    now.done();
  };
  return {
    get playing() {
      return current !== null;
    },
    stop,
    async play(audio) {
      stop();
      const mine = generation;
      // decodeAudioData takes (and detaches) an ArrayBuffer of exactly the audio.
      const bytes = audio instanceof Uint8Array ? audio.slice().buffer : audio.slice(0);
      const buffer = await context.decodeAudioData(bytes);
      if (context.state === 'suspended') await context.resume().catch(() => {});
      if (mine !== generation) return;
      await new Promise<void>((resolve) => {
        const source = context.createBufferSource();
        source.buffer = buffer;
        source.connect(context.destination);
        current = { source, done: resolve };
        source.onended = () => {
          if (current?.source === source) current = null;
          resolve();
        };
        source.start();
      });
    },
  };
}
