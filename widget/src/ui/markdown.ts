// Markdown for messages: marked renders, DOMPurify sanitizes with an allowlist. No HTML from a
// message reaches the DOM any other way. Links open in a new tab without access to the opener.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: true, async: false });

const ALLOWED_TAGS = ['a', 'b', 'strong', 'i', 'em', 'del', 's', 'code', 'pre', 'p', 'br', 'ul', 'ol', 'li', 'blockquote', 'hr', 'h1', 'h2', 'h3', 'h4', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
const ALLOWED_ATTR = ['href', 'title', 'target', 'rel'];

let hooked = false;
function purifier() {
  if (!hooked) {
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        const href = node.getAttribute('href') ?? '';
        // Only web and mail links; DOMPurify already drops javascript:, this also drops data: and others.
        if (!/^(https?:|mailto:)/i.test(href)) node.removeAttribute('href');
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    hooked = true;
  }
  return DOMPurify;
}

/** Markdown → sanitized HTML string, safe to assign to innerHTML. */
export function renderMarkdown(markdown: string): string {
  // Raw HTML in a message is shown as text, not interpreted.
  const escaped = markdown.replace(/</g, '&lt;');
  const html = marked.parse(escaped) as string;
  return purifier().sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false });
}
