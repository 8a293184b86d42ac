// One engine per site directory (sites/<site key>/playbook.yaml + kb/). Reloading re-reads the
// files; a bad playbook is reported and the last good one stays in service.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type EngineBot, loadEngine } from './engine.js';
import { type LlmConfig, LlmBot } from './llm/provider.js';
import type { BotProvider } from './provider.js';

export class SiteBots {
  private readonly bots = new Map<string, EngineBot>();
  /** Site key → the directory key that serves it, decided once (not a file check per message). */
  private readonly serving = new Map<string, string>();

  constructor(
    private readonly sitesDir: string,
    /** Sites without a directory of their own use this one's engine (the demo's, in demo mode); null: none does. */
    private readonly fallbackKey: string | null = 'demo',
    /** With a language model configured, it writes the answers the rules allow. */
    private readonly llm?: LlmConfig,
  ) {}

  /** The engine for a site key, loading it on first use. Throws if neither it nor the fallback loads. */
  get(siteKey: string): BotProvider {
    let key = this.serving.get(siteKey);
    if (key === undefined) {
      const own = existsSync(join(this.sitesDir, siteKey, 'playbook.yaml'));
      // Never another site's playbook by surprise: without a fallback a site needs its own.
      if (!own && this.fallbackKey === null) throw new Error(`Site ${siteKey} has no playbook at ${join(this.sitesDir, siteKey, 'playbook.yaml')} (pnpm baton site create makes one)`);
      key = own ? siteKey : this.fallbackKey!;
      this.serving.set(siteKey, key);
    }
    let bot = this.bots.get(key);
    if (!bot) {
      bot = loadEngine(join(this.sitesDir, key));
      this.bots.set(key, bot);
    }
    return this.llm ? new LlmBot(this.llm, bot) : bot;
  }

  /** The folder that serves a site (its own, or the fallback's), as `get` decides it. */
  dirOf(siteKey: string): string {
    this.get(siteKey);
    return join(this.sitesDir, this.serving.get(siteKey)!);
  }

  /** Re-reads a site's playbook and knowledge base; on error the last good engine keeps serving. */
  reload(siteKey: string): { ok: true } | { ok: false; error: string } {
    try {
      this.bots.set(siteKey, loadEngine(join(this.sitesDir, siteKey)));
      this.serving.set(siteKey, siteKey);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }

  /** Re-reads every loaded site; sites that used the fallback look for a directory of their own again. */
  reloadAll(): { siteKey: string; ok: boolean; error?: string }[] {
    this.serving.clear();
    return [...this.bots.keys()].map((siteKey) => ({ siteKey, ...this.reload(siteKey) }));
  }
}
