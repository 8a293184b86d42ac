// The built-in escalation engine: signals → intent + retrieval → policy → (action → policy).
// Everything the policy decides is explained by the rule id and evidence it returns.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { evaluate, type PolicyInput } from '../core/policy/evaluate.js';
import { linesFor } from '../core/policy/lines.js';
import { runAction } from './actions.js';
import { KnowledgeBase, loadArticles } from './knowledge.js';
import { loadPlaybook, type Playbook, verifiedDetails } from './playbook.js';
import type { BotDecision, BotProvider, BotTurnInput } from './provider.js';
import { computeSignals, extractEntities, type Signals } from './signals.js';
import { builtinUnderstanding, type Understanding } from './nlu/index.js';
import { searchTuning } from './text.js';

/** One index per language: examples in one language must not change how another's words score. */
export class IntentIndex {
  private readonly indexes = new Map<string, MiniSearch<{ id: number; intent: string; text: string }>>();

  constructor(private readonly playbook: Playbook) {
    const add = (lang: string, intent: string, examples: string[]) => {
      let index = this.indexes.get(lang);
      if (!index) {
        index = new MiniSearch({ fields: ['text'], storeFields: ['intent'], processTerm: searchTuning.processTerm, searchOptions: { fuzzy: searchTuning.fuzzy, prefix: searchTuning.prefix } });
        this.indexes.set(lang, index);
      }
      for (const text of examples) index.add({ id: index.documentCount, intent, text });
    };
    for (const [intent, def] of Object.entries(playbook.intents)) add(playbook.language, intent, def.examples);
    for (const [lang, pack] of Object.entries(playbook.languages)) {
      for (const [intent, examples] of Object.entries(pack?.intents ?? {})) add(lang, intent, examples);
    }
  }

  /** The best intent in the visitor's language, else in the playbook's own (brand words, "PayPal"). */
  best(text: string, lang: string = this.playbook.language): { name: string; score: number } | null {
    const search = (l: string) => {
      const hit = this.indexes.get(l)?.search(text)[0];
      return hit ? { name: hit.intent as string, score: hit.score } : null;
    };
    const own = lang !== this.playbook.language ? search(lang) : null;
    if (own && own.score >= this.playbook.thresholds.intent) return own;
    return search(this.playbook.language) ?? own;
  }
}

/** The details the playbook knows, from what the visitor said: the latest mention wins; several values of an identity detail are a conflict. */
export function collectDetails(playbook: Playbook, signals: Signals, visitorText: string): { details: Record<string, string>; conflicts: string[] } {
  const details: Record<string, string> = {};
  const conflicts: string[] = [];
  for (const [name, def] of Object.entries(playbook.details)) {
    let values: string[] = [];
    if (def.entity) values = signals.allEntities[def.entity] ?? [];
    else if (def.pattern) {
      const re = new RegExp(def.pattern, 'gi');
      values = [...visitorText.matchAll(re)].map((m) => m[1] ?? m[0]);
    }
    if (values.length > 0) details[name] = values.at(-1)!;
    // Two identities in one conversation: which one is the customer's?
    if ((def.identity ?? def.entity === 'email') && new Set(values.map((v) => v.toLowerCase())).size > 1) conflicts.push(name);
  }
  return { details, conflicts };
}

/**
 * Details a person on the team wrote (before handing back): the bot continues with them instead
 * of asking the visitor again. Never a detail that verifies the visitor: that proof is theirs.
 */
export function detailsFromAgents(playbook: Playbook, signals: Signals, history: BotTurnInput['history']): Record<string, string> {
  const agentTurns = history.filter((m) => m.author.kind === 'agent');
  if (agentTurns.length === 0) return {};
  const proofs = new Set(Object.keys(playbook.intents).flatMap((name) => verifiedDetails(playbook, name)));
  const allEntities: Signals['allEntities'] = {};
  for (const m of agentTurns) {
    for (const [k, v] of Object.entries(extractEntities(m.body)) as [keyof Signals['allEntities'], string[]][]) allEntities[k] = [...(allEntities[k] ?? []), ...v];
  }
  const { details } = collectDetails(playbook, { ...signals, allEntities }, agentTurns.map((m) => m.body).join('\n'));
  return Object.fromEntries(Object.entries(details).filter(([name]) => !proofs.has(name)));
}

export class EngineBot implements BotProvider {
  readonly name = 'engine';
  private readonly intents: IntentIndex;
  readonly understanding: Understanding | null;

  constructor(
    readonly playbook: Playbook,
    readonly kb: KnowledgeBase,
    private readonly siteDir: string,
    understanding: Understanding | null = builtinUnderstanding(),
  ) {
    this.intents = new IntentIndex(playbook);
    const examples = playbook.understanding.examples;
    if (understanding) {
      const unknown = Object.keys(examples).filter((label) => !understanding.labels.includes(label));
      if (unknown.length) throw new Error(`understanding.examples: unknown label(s) ${unknown.join(', ')} (known: ${understanding.labels.join(', ')})`);
    }
    this.understanding = understanding && Object.keys(examples).length ? understanding.withSiteExamples(examples) : understanding;
  }

  /** Everything but the action: the part `pnpm bench` measures. */
  prepare(input: BotTurnInput): PolicyInput {
    const signals = computeSignals(input.history, this.playbook, this.understanding, input.locale);
    const visitorText = input.history.filter((m) => m.author.kind === 'visitor').map((m) => m.body).join('\n');
    const collected = collectDetails(this.playbook, signals, visitorText);
    // What the visitor said wins; what an agent added fills the gaps (after a hand back).
    const details = { ...detailsFromAgents(this.playbook, signals, input.history), ...collected.details };
    const { conflicts } = collected;
    const hit = this.kb.search(signals.text, 1, signals.language.code)[0];
    return {
      playbook: this.playbook,
      signals,
      history: input.history,
      intent: this.intents.best(signals.text, signals.language.code),
      retrieval: hit ? { id: hit.article.id, title: hit.article.title, body: hit.article.body, score: hit.score } : null,
      previousDecisions: input.previousDecisions,
      details,
      conflicts,
      action: null,
      ...(input.askedForPerson ? { askedForPerson: true } : {}),
      ...(input.channel ? { channel: input.channel } : {}),
    };
  }

  async turn(input: BotTurnInput): Promise<BotDecision> {
    const prepared = this.prepare(input);
    return { ...(await this.decide(prepared)), language: prepared.signals.language.code };
  }

  private async decide(prepared: PolicyInput): Promise<BotDecision> {
    const first = evaluate(prepared);
    if (first.mode !== 'act') return first;
    const action = linesFor(this.playbook, prepared.signals.language.code).action(first.action)!;
    const outcome = await runAction(first.action, action, prepared.details, this.siteDir, verifiedDetails(this.playbook, first.intent));
    const second = evaluate({ ...prepared, action: outcome });
    if (second.mode === 'act') throw new Error('policy asked to act twice');
    return second;
  }
}

export function loadEngine(siteDir: string): EngineBot {
  const file = join(siteDir, 'playbook.yaml');
  if (!existsSync(file)) throw new Error(`No playbook at ${file}`);
  return new EngineBot(loadPlaybook(file), new KnowledgeBase(loadArticles(join(siteDir, 'kb'))), siteDir);

}
