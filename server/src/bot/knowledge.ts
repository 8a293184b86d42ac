// The site's knowledge base: Markdown articles with a small front matter (title, keywords),
// indexed with MiniSearch (BM25). A hit counts as grounded only above the site's threshold.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import MiniSearch from 'minisearch';
import { parse as parseYaml } from 'yaml';
import { searchTuning } from './text.js';

export interface Article {
  id: string;
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

export function loadArticles(kbDir: string): Article[] {
  return readdirSync(kbDir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => parseArticle(basename(f, '.md'), readFileSync(join(kbDir, f), 'utf8'), join(kbDir, f)));
}

export class KnowledgeBase {
  private readonly index: MiniSearch<Article>;
  private readonly byId: Map<string, Article>;

  constructor(readonly articles: Article[]) {
    this.byId = new Map(articles.map((a) => [a.id, a]));
    this.index = new MiniSearch<Article>({
      fields: ['title', 'keywords', 'body'],
      storeFields: [],
      processTerm: searchTuning.processTerm,
      searchOptions: { boost: { keywords: 3, title: 2 }, fuzzy: searchTuning.fuzzy, prefix: searchTuning.prefix, combineWith: 'OR' },
    });
    this.index.addAll(articles);
  }

  search(query: string, limit = 3): Hit[] {
    return this.index
      .search(query)
      .slice(0, limit)
      .map((r) => ({ article: this.byId.get(String(r.id))!, score: r.score }));
  }
}
