// Messages are Markdown from strangers: nothing executable survives rendering.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/ui/markdown.js';
import { renderMarkdownLite } from '../src/ui/markdown-lite.js';

function dom(html: string) {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
}

const payloads = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<svg><script>alert(1)</script></svg>',
  '<svg onload=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '![x](x" onerror="alert(1))',
  '<details open ontoggle=alert(1)>',
  '`<script>` inline and\n\n```\n<script>alert(1)</script>\n```',
  '<form action="javascript:alert(1)"><button>go</button></form>',
];

/** Nothing executable: no dangerous element, no handler, no script URL. */
function expectInert(html: string) {
  const root = dom(html);
  expect(root.querySelector('script, iframe, svg, math, img, form, style, object, embed')).toBeNull();
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      expect(attr.name.startsWith('on'), `${el.tagName} ${attr.name}`).toBe(false);
      expect(/^\s*(javascript|data|vbscript):/i.test(attr.value), `${el.tagName} ${attr.name}=${attr.value}`).toBe(false);
    }
  }
  return root;
}

// The console renders with marked + DOMPurify, the visitor's chat with its own small renderer.
describe.each([
  ['renderMarkdown (console)', renderMarkdown],
  ['renderMarkdownLite (visitor chat)', renderMarkdownLite],
])('%s', (_name, renderMarkdown) => {
  it.each(payloads)('neutralizes %s', (payload) => {
    expectInert(renderMarkdown(payload));
  });

  it('renders ordinary markdown: bold, lists, code and safe links', () => {
    const root = dom(renderMarkdown('**Hello** _there_\n\n- one\n- two\n\n`code` and [docs](https://example.com/help)'));
    expect(root.querySelector('strong')?.textContent).toBe('Hello');
    expect(root.querySelectorAll('li')).toHaveLength(2);
    expect(root.querySelector('code')?.textContent).toBe('code');
    const link = root.querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://example.com/help');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('shows raw HTML as text instead of interpreting it', () => {
    const root = dom(renderMarkdown('I typed <b>bold</b> by hand'));
    expect(root.querySelector('b')).toBeNull();
    expect(root.textContent).toContain('<b>bold</b>');
  });
});

describe('renderMarkdownLite: the subset the bot and agents write', () => {
  const render = (md: string) => dom(renderMarkdownLite(md));

  it('writes only its own tags, and only an http(s) or mailto href, whatever a stranger types', () => {
    const ALLOWED = new Set(['A', 'STRONG', 'EM', 'DEL', 'CODE', 'PRE', 'P', 'BR', 'UL', 'OL', 'LI', 'BLOCKQUOTE', 'HR', 'H1', 'H2', 'H3', 'H4']);
    const pieces = fc.constantFrom('<', '>', '"', "'", '&', '*', '_', '~', '`', '[', ']', '(', ')', '#', '-', '>', '\n', ' ', 'javascript:', 'https://x.test/', 'mailto:', 'onerror=', '<img src=x onerror=alert(1)>', '<script>', 'a', '1.');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }).map((p) => p.join('')), (md) => {
        const root = expectInert(renderMarkdownLite(md));
        for (const el of root.querySelectorAll('*')) {
          expect(ALLOWED.has(el.tagName), el.tagName).toBe(true);
          for (const attr of el.attributes) expect(['href', 'target', 'rel']).toContain(attr.name);
          if (el.hasAttribute('href')) expect(el.getAttribute('href')).toMatch(/^(https?:|mailto:)/i);
        }
      }),
      { numRuns: 1000, seed: 17 },
    );
  }, 60_000);

  it('keeps every word of the message: what it cannot format shows as typed', () => {
    expect(render('I typed <b>bold</b> & "quotes" by hand').textContent).toBe('I typed <b>bold</b> & "quotes" by hand');
    expect(render('a | table | row').textContent).toBe('a | table | row');
    expect(render('snake_case_name and 2 * 3 * 4').textContent).toBe('snake_case_name and 2 * 3 * 4');
  });

  it('paragraphs, line breaks, headings, lists, quotes, rules and code blocks', () => {
    const root = render('# Returns\n\nFirst line\nsecond line\n\n1. Open *Orders*\n2. Print the **label**\n\n- one\n  more of one\n- two\n\n> quoted **words**\n\n---\n\n```\n**not bold** <i>\n```');
    expect(root.querySelector('h1')?.textContent).toBe('Returns');
    expect(root.querySelector('p')?.innerHTML).toBe('First line<br>second line');
    expect([...root.querySelectorAll('ol > li')].map((li) => li.textContent)).toEqual(['Open Orders', 'Print the label']);
    expect(root.querySelector('ol em')?.textContent).toBe('Orders');
    expect([...root.querySelectorAll('ul > li')].map((li) => li.innerHTML)).toEqual(['one<br>more of one', 'two']);
    expect(root.querySelector('blockquote strong')?.textContent).toBe('words');
    expect(root.querySelector('hr')).not.toBeNull();
    expect(root.querySelector('pre code')?.textContent).toBe('**not bold** <i>');
  });

  it('links: written or bare, opened in a new tab without the opener; a script link keeps only its words', () => {
    const root = render('See [the guide](https://shop.test/help?a=1&b=2), or https://shop.test/returns. [x](javascript:alert(1)) and `[no](https://link)`');
    const links = [...root.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://shop.test/help?a=1&b=2', 'https://shop.test/returns']);
    expect(links.every((a) => a.target === '_blank' && a.rel === 'noopener noreferrer')).toBe(true);
    expect(root.textContent).toContain('returns. x and [no](https://link)');
  });

  it('the bot\'s own replies render as they did with marked', () => {
    const md = 'Order **A-1001** is **shipped**. Expected ~~Monday~~ _Tuesday_.\n\n1. Open *Orders* in your account and choose **Return items**.\n2. Print the prepaid label.';
    expect(render(md).innerHTML.replace(/\n/g, '')).toBe(dom(renderMarkdown(md)).innerHTML.replace(/\n/g, ''));
  });
});
