export type { BotDecision, BotProvider, BotTurnInput } from './provider.js';
import { createBuiltinBotSync } from './builtin.js';
import type { BotProvider } from './provider.js';

/** The built-in bot for a site directory (playbook and `kb/` Markdown articles). */
export async function createBuiltinBot(options: { siteDir: string }): Promise<BotProvider> {
  return createBuiltinBotSync(options.siteDir);
}
