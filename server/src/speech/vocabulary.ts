// What a site's visitors say, as sentences for the embedded engine's language model (issue 18):
// the playbook's English intent examples, person requests and topic phrases, the English
// knowledge base's titles, keywords and sentences, and the English NLU seeds and corpus.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const NLU_DIR = fileURLToPath(new URL('../../nlu', import.meta.url));

/** Markdown as plain sentences: no front matter, link targets, emphasis or list markers. */
function markdownSentences(markdown: string): string[] {
  const body = markdown.replace(/^---\n[\s\S]*?\n---\n/, '');
  const plain = body
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`#>]/g, ' ')
    .replace(/^\s*(?:[-+]|\d+\.)\s+/gm, '');
  return plain
    .split(/(?<=[.!?:;])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => /[a-z]/i.test(s));
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  return [];
}

async function playbookSentences(siteDir: string): Promise<string[]> {
  const file = join(siteDir, 'playbook.yaml');
  if (!existsSync(file)) return [];
  const playbook = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const intents = (playbook.intents ?? {}) as Record<string, { examples?: unknown }>;
  const topics = (playbook.topics ?? {}) as Record<string, { phrases?: unknown }>;
  const copy = (playbook.copy ?? {}) as { topicOptions?: unknown };
  return [
    ...Object.values(intents).flatMap((i) => strings(i.examples)),
    ...strings(playbook.personRequests),
    ...Object.values(topics).flatMap((t) => strings(t.phrases)),
    ...strings(copy.topicOptions), // quick replies a visitor may say aloud
  ];
}

/** The English articles are the top-level kb/*.md; other languages live in kb/<lang>/. */
async function knowledgeSentences(siteDir: string): Promise<string[]> {
  const dir = join(siteDir, 'kb');
  if (!existsSync(dir)) return [];
  const files = (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();
  const out: string[] = [];
  for (const f of files) {
    const text = await readFile(join(dir, f), 'utf8');
    const front = /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1];
    if (front) {
      const meta = parse(front) as { title?: unknown; keywords?: unknown };
      out.push(...strings(meta.title));
      out.push(...strings(meta.keywords).flatMap((k) => k.split(',')).map((k) => k.trim()));
    }
    out.push(...markdownSentences(text));
  }
  return out;
}

/** The English NLU examples: how visitors of any shop phrase requests, complaints and questions. */
async function nluSentences(nluDir: string): Promise<string[]> {
  const out: string[] = [];
  const seeds = join(nluDir, 'seeds', 'en.yaml');
  if (existsSync(seeds)) out.push(...strings(Object.values((parse(await readFile(seeds, 'utf8')) ?? {}) as Record<string, unknown>)));
  for (const name of ['en.jsonl', 'en.gen.jsonl']) {
    const file = join(nluDir, 'corpus', name);
    if (!existsSync(file)) continue;
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (!line.startsWith('{')) continue;
      const text = (JSON.parse(line) as { text?: unknown }).text;
      if (typeof text === 'string') out.push(text);
    }
  }
  return out;
}

/** The site's English visitor sentences, deduplicated, in a stable order. */
export async function siteSentences(siteDir: string, options: { nluDir?: string | null } = {}): Promise<string[]> {
  const nluDir = options.nluDir === undefined ? NLU_DIR : options.nluDir;
  const all = [...(await playbookSentences(siteDir)), ...(await knowledgeSentences(siteDir)), ...(nluDir ? await nluSentences(nluDir) : [])];
  return [...new Set(all.map((s) => s.trim()).filter(Boolean))];
}
