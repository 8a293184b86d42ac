// The server's voice: the configured speech engine (or none, with the reason), and each site's
// vocabulary for the embedded engine's language model, read once per site folder.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSpeech, type SpeechConfig } from './index.js';
import type { SpeechEngine } from './types.js';
import { siteSentences } from './vocabulary.js';

/** The Debian programs the embedded engine runs. */
const EMBEDDED_PROGRAMS = ['pocketsphinx_continuous', 'pocketsphinx_batch', 'espeak-ng'];

const installed = (program: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** The engine, or why there is none (voice mode then answers voice_unavailable and the chat stays text). */
export function speechEngine(config: SpeechConfig, enabled: boolean): { engine: SpeechEngine } | { engine: null; reason: string } {
  if (!enabled) return { engine: null, reason: 'BATON_VOICE is off' };
  if (config.engine === 'embedded') {
    const missing = EMBEDDED_PROGRAMS.filter((p) => !installed(p));
    if (missing.length) return { engine: null, reason: `${missing.join(', ')} not found (apt-get install pocketsphinx pocketsphinx-en-us espeak-ng)` };
  }
  return { engine: createSpeech(config) };
}

/** What a site's visitors say, from its folder; `forget` after a playbook reload. */
export function siteVocabulary(dirOf: (siteKey: string) => string) {
  const cache = new Map<string, Promise<{ key: string; sentences: readonly string[] }>>();
  return {
    get(siteKey: string) {
      const dir = dirOf(siteKey);
      let entry = cache.get(dir);
      if (!entry) {
        entry = siteSentences(dir).then((sentences) => ({ key: createHash('sha256').update(sentences.join('\n')).digest('hex').slice(0, 16), sentences }));
        entry.catch(() => cache.delete(dir));
        cache.set(dir, entry);
      }
      return entry;
    },
    forget() {
      cache.clear();
    },
  };
}
