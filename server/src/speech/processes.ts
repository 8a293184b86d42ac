// Child processes for the embedded engine: a few at a time (a small box has two cores), each with a
// deadline and killed on abort. Their stderr is dropped: pocketsphinx and espeak-ng talk a lot, and
// what they say may quote the input.
import { spawn } from 'node:child_process';
import { SpeechError } from './types.js';

/** At most `limit` holders at once; the rest wait in order, and leave the queue when their signal aborts. */
export class Slots {
  private active = 0;
  private readonly waiting: { start: () => void; signal?: AbortSignal | undefined; onAbort: () => void }[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(aborted(signal));
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        signal,
        start: () => {
          signal?.removeEventListener('abort', entry.onAbort);
          this.active++;
          resolve();
        },
        onAbort: () => {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
          reject(aborted(signal!));
        },
      };
      signal?.addEventListener('abort', entry.onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private release() {
    this.active--;
    this.waiting.shift()?.start();
  }
}

/** A caller's abort as a SpeechError: a timeout stays a timeout, anything else is the engine giving up. */
export function aborted(signal: AbortSignal): SpeechError {
  const reason = signal.reason as Error | undefined;
  return reason?.name === 'TimeoutError' ? new SpeechError('timeout', 'speech timed out') : new SpeechError('engine_failed', 'speech was cancelled');
}

export interface RunOptions {
  input: Buffer;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Stdout beyond this is an error (and the process is killed). */
  maxOutputBytes: number;
}

/** Runs a command to completion, stdin from `input`, and resolves with its stdout. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(aborted(options.signal));
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let failure: SpeechError | undefined;
    const stop = (error: SpeechError) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(new SpeechError('timeout', `${command} took longer than ${options.timeoutMs} ms`)), options.timeoutMs);
    const onAbort = () => stop(aborted(options.signal!));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxOutputBytes) stop(new SpeechError('engine_failed', `${command} wrote more than ${options.maxOutputBytes} bytes`));
      else chunks.push(chunk);
    });
    child.stdin.on('error', () => {}); // EPIPE when the child exits or is killed before reading everything
    child.on('error', (error: NodeJS.ErrnoException) => {
      failure ??= new SpeechError('engine_failed', error.code === 'ENOENT' ? `${command} is not installed` : `${command} could not start`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (failure) return reject(failure);
      if (code !== 0) return reject(new SpeechError('engine_failed', `${command} exited with ${code ?? signal}`));
      resolve(Buffer.concat(chunks));
    });
    child.stdin.end(options.input);
  });
}
