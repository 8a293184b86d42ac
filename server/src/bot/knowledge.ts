// The site's knowledge base: Markdown articles with a small front matter (title, keywords),
// indexed with MiniSearch (BM25). A hit counts as grounded only above the site's threshold.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import MiniSearch from 'minisearch';
import { parse as parseYaml } from 'yaml';
import { searchTuning } from './text.js';

export interface Article {
  id: string;
  /** Set on a translation (kb/<lang>/<id>.md); the articles in kb/ are in the playbook's language. */
  lang?: string;
  title: string;
  keywords: string;
  body: string;
}

export interface Hit {
  article: Article;
  score: number;
}

/** A knowledge-base file that cannot be read as an article: names the file and the reason. */
export class ArticleError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`Invalid article ${file}: ${reason}`);
    this.name = 'ArticleError';
  }
}

export function parseArticle(id: string, text: string, file = `${id}.md`): Article {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  let meta: unknown = {};
  if (match) {
    try {
      meta = parseYaml(match[1]!) ?? {};
    } catch (e) {
      throw new ArticleError(file, `front matter is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (typeof meta !== 'object' || Array.isArray(meta)) throw new ArticleError(file, 'front matter must be a mapping (title: ..., keywords: ...)');
  const { title, keywords } = meta as { title?: unknown; keywords?: unknown };
  if (title !== undefined && typeof title !== 'string') throw new ArticleError(file, 'front matter title must be text');
  if (keywords !== undefined && typeof keywords !== 'string') throw new ArticleError(file, 'front matter keywords must be text (comma-separated)');
  const body = (match ? match[2]! : text).trim();
  return { id, title: title ?? id, keywords: keywords ?? '', body };
}

/** kb/*.md, and translations in kb/<lang>/*.md (same file name as the article they translate). */
export function loadArticles(kbDir: string): Article[] {
  const read = (dir: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => parseArticle(basename(f, '.md'), readFileSync(join(dir, f), 'utf8'), join(dir, f)));
  const translations = readdirSync(kbDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^[a-z]{2}$/.test(d.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => read(join(kbDir, d.name)).map((a) => ({ ...a, lang: d.name })));
  return [...read(kbDir), ...translations];
}

export class KnowledgeBase {
  private readonly index: MiniSearch<Article & { key: string }>;
  private readonly byKey: Map<string, Article>;
  /** Article id → the languages it is translated into. */
  private readonly translated = new Map<string, Set<string>>();

  constructor(readonly articles: Article[]) {
    const keyed = articles.map((a) => ({ ...a, key: a.lang ? `${a.lang}/${a.id}` : a.id }));
    this.byKey = new Map(keyed.map((a) => [a.key, a]));
    for (const a of articles) if (a.lang) this.translated.set(a.id, (this.translated.get(a.id) ?? new Set()).add(a.lang));
    this.index = new MiniSearch<Article & { key: string }>({
      idField: 'key',
      fields: ['title', 'keywords', 'body'],
      storeFields: [],
      processTerm: searchTuning.processTerm,
      searchOptions: { boost: { keywords: 3, title: 2 }, fuzzy: searchTuning.fuzzy, prefix: searchTuning.prefix, combineWith: 'OR' },
    });
    this.index.addAll(keyed);
  }

  /** The best articles for the visitor's language: its translations, and the originals it lacks. */
  search(query: string, limit = 3, lang?: string): Hit[] {
    const inLanguage = (a: Article) => (a.lang ? a.lang === lang : !lang || !this.translated.get(a.id)?.has(lang));
    return this.index
      .search(query, { filter: (r) => inLanguage(this.byKey.get(String(r.id))!) })
      .slice(0, limit)
      .map((r) => ({ article: this.byKey.get(String(r.id))!, score: r.score }));
  }
}
