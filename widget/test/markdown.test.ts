// Messages are Markdown from strangers: nothing executable survives rendering.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/ui/markdown.js';

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

describe('renderMarkdown', () => {
  it.each(payloads)('neutralizes %s', (payload) => {
    const html = renderMarkdown(payload);
    const root = dom(html);
    expect(root.querySelector('script, iframe, svg, math, img, form, style, object, embed')).toBeNull();
    for (const el of root.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        expect(attr.name.startsWith('on'), `${el.tagName} ${attr.name}`).toBe(false);
        expect(/^\s*(javascript|data|vbscript):/i.test(attr.value), `${el.tagName} ${attr.name}=${attr.value}`).toBe(false);
      }
    }
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
