// Markdown for the visitor's chat: the subset the bot and agents write (paragraphs, line breaks,
// headings, lists, quotes, code, emphasis, links), in the chat itself rather than a library chunk
// (marked + DOMPurify were 21 KB brotli, a second download before the first answer showed).
// Safe by construction: every character of the message is HTML-escaped before any tag is written,
// the only tags are the ones written here, and the only attribute is an escaped http(s) or mailto
// href. The console, where size matters less, keeps marked + DOMPurify.

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Emphasis on already-escaped text: nothing here can open a tag the text did not ask for. */
function emphasis(s: string): string {
  return s
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>')
    .replace(/\*(?=[^\s*])([^*]*?[^\s*])\*/g, '<em>$1</em>')
    .replace(/\*([^\s*])\*/g, '<em>$1</em>')
    .replace(/(^|[^\w])_(?=[^\s_])([^_]*?[^\s_]|[^\s_])_(?!\w)/g, '$1<em>$2</em>');
}

const SAFE_HREF = /^(https?:|mailto:)/i;
const link = (href: string, text: string) => `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${text}</a>`;

/** Bare web addresses become links; what trails them (a full stop, a bracket) stays text. */
function autolink(raw: string): string {
  let out = '';
  let last = 0;
  for (const m of raw.matchAll(/\bhttps?:\/\/[^\s<>"']+/gi)) {
    const url = m[0].replace(/[.,;:!?)\]]+$/, '');
    out += emphasis(escapeHtml(raw.slice(last, m.index))) + link(url, escapeHtml(url));
    last = m.index + url.length;
  }
  return out + emphasis(escapeHtml(raw.slice(last)));
}

/** One line's inline Markdown: code spans first (nothing inside them is formatted), then links. */
function inline(raw: string): string {
  let out = '';
  let last = 0;
  const LINK_OR_CODE = /(`+)([\s\S]*?[^`])\1(?!`)|\[([^\]\n]+)\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]*\))*)>?(?:\s+"[^"\n]*")?\s*\)/g;
  for (const m of raw.matchAll(LINK_OR_CODE)) {
    out += autolink(raw.slice(last, m.index));
    if (m[1]) out += `<code>${escapeHtml(m[2]!.trim() || m[2]!)}</code>`;
    else {
      // A link to anything but the web or mail keeps its words and loses the link.
      const text = emphasis(escapeHtml(m[3]!));
      out += SAFE_HREF.test(m[4]!) ? link(m[4]!, text) : text;
    }
    last = m.index + m[0].length;
  }
  return out + autolink(raw.slice(last));
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const BULLET = /^ {0,3}[-*+][ \t]+(.*)$/;
const NUMBERED = /^ {0,3}\d{1,9}[.)][ \t]+(.*)$/;

function blocks(lines: string[]): string {
  let html = '';
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) body.push(lines[i]!);
      i++;
      html += `<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`;
      continue;
    }
    if (RULE.test(line)) {
      html += '<hr>';
      i++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = Math.min(heading[1]!.length, 4);
      html += `<h${level}>${inline(heading[2]!)}</h${level}>`;
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      for (; i < lines.length && QUOTE.test(lines[i]!); i++) quoted.push(lines[i]!.replace(QUOTE, ''));
      html += `<blockquote>${blocks(quoted)}</blockquote>`;
      continue;
    }
    const kind = BULLET.test(line) ? BULLET : NUMBERED.test(line) ? NUMBERED : null;
    if (kind) {
      const items: string[][] = [];
      for (; i < lines.length && lines[i]!.trim(); i++) {
        const item = kind.exec(lines[i]!);
        if (item) items.push([item[1]!]);
        else items.at(-1)!.push(lines[i]!.trim()); // a continuation line of the item above
      }
      const tag = kind === BULLET ? 'ul' : 'ol';
      html += `<${tag}>${items.map((item) => `<li>${item.map(inline).join('<br>')}</li>`).join('')}</${tag}>`;
      continue;
    }
    const paragraph: string[] = [];
    for (; i < lines.length && lines[i]!.trim() && !FENCE.test(lines[i]!) && !HEADING.test(lines[i]!) && !QUOTE.test(lines[i]!) && !RULE.test(lines[i]!); i++) {
      if (paragraph.length && (BULLET.test(lines[i]!) || NUMBERED.test(lines[i]!))) break;
      paragraph.push(lines[i]!);
    }
    // One newline is a line break, as people mean it in a chat.
    html += `<p>${paragraph.map((l) => inline(l.trim())).join('<br>')}</p>`;
  }
  return html;
}

/** Markdown → HTML built only from escaped text and the tags above, safe to assign to innerHTML. */
export function renderMarkdownLite(markdown: string): string {
  return blocks(markdown.replace(/\r\n?/g, '\n').split('\n'));
}
