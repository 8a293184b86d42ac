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

export function parseArticle(id: string, text: string): Article {
  const match = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(text);
  const meta = (match ? parseYaml(match[1]!) : {}) as { title?: string; keywords?: string };
  const body = (match ? match[2]! : text).trim();
  return { id, title: meta.title ?? id, keywords: meta.keywords ?? '', body };
}

export function loadArticles(kbDir: string): Article[] {
  return readdirSync(kbDir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => parseArticle(basename(f, '.md'), readFileSync(join(kbDir, f), 'utf8')));
}

export class KnowledgeBase {
  private readonly index: MiniSearch<Article>;

  constructor(readonly articles: Article[]) {
    this.index = new MiniSearch<Article>({
      fields: ['title', 'keywords', 'body'],
      storeFields: [],
      processTerm: searchTuning.processTerm,
      searchOptions: { boost: { keywords: 3, title: 2 }, fuzzy: searchTuning.fuzzy, prefix: searchTuning.prefix, combineWith: 'OR' },
    });
    this.index.addAll(articles);
  }

  search(query: string, limit = 3): Hit[] {
    const byId = new Map(this.articles.map((a) => [a.id, a]));
    return this.index
      .search(query)
      .slice(0, limit)
      .map((r) => ({ article: byId.get(String(r.id))!, score: r.score }));
  }
}
