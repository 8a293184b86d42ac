// The bot's Markdown as something to say: what a reader sees, not its syntax, and no address read
// out character by character.
import { MAX_SPEECH_CHARS } from './types.js';

const URL = /\b(?:https?:\/\/|www\.)[^\s<>()]+/gi;

/**
 * Markdown → plain sentences. Links say their text; a bare address becomes "the link in the chat".
 * Longer than MAX_SPEECH_CHARS: cut after the last whole sentence that fits (a long answer is better
 * heard in part than not at all; the whole text stays in the chat), else at a word.
 */
export function speakableText(markdown: string): string {
  let text = markdown
    .replace(/```[\s\S]*?```/g, ' ') // code blocks are not for reading aloud
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images: their alt text
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1') // links: their text
    .replace(/<(?:https?:\/\/|mailto:)[^>]*>/gi, 'the link in the chat')
    .replace(URL, 'the link in the chat')
    .replace(/<[^>]+>/g, ' ') // stray HTML tags
    .replace(/^\s{0,3}#{1,6}\s+/gm, '') // headings
    .replace(/^\s*>\s?/gm, '') // quotes
    .replace(/^\s*(?:[-*+]|\d+[.)])\s+/gm, '') // list markers
    .replace(/^\s*(?:-{3,}|\*{3,}|_{3,})\s*$/gm, ' ') // rules
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_\n]+)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/[*_`~|]/g, ' ');
  // Lines of a list become sentences, so the voice pauses between items.
  text = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => (/[.!?:;,]$/.test(l) ? l : `${l}.`))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= MAX_SPEECH_CHARS) return text;
  const head = text.slice(0, MAX_SPEECH_CHARS);
  const sentenceEnd = Math.max(head.lastIndexOf('. '), head.lastIndexOf('! '), head.lastIndexOf('? '));
  if (sentenceEnd > 0) return head.slice(0, sentenceEnd + 1);
  const space = head.lastIndexOf(' ');
  return space > 0 ? head.slice(0, space) : head;
}
