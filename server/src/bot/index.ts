export type { BotDecision, BotProvider, BotTurnInput } from './provider.js';
import { loadEngine } from './engine.js';
import type { BotProvider } from './provider.js';

/** The built-in escalation engine for a site directory (playbook.yaml and kb/*.md). */
export async function createBuiltinBot(options: { siteDir: string }): Promise<BotProvider> {
  return loadEngine(options.siteDir);
}
