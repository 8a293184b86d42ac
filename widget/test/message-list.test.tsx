// The shared transcript: authors are distinct and the bot is labelled as automated.
import type { Message } from '@baton/shared';
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/ui/markdown.js';
import { MessageList } from '../src/ui/MessageList.js';

const base = { conversationId: 'c', createdAt: '2026-11-24T10:00:00.000Z' };
const messages: Message[] = [
  { ...base, id: '1', seq: 1, clientId: 'a', author: { kind: 'visitor' }, body: 'hi' },
  { ...base, id: '2', seq: 2, clientId: 'b', author: { kind: 'bot', name: 'Assistant' }, body: 'Which one?', quickReplies: ['Returns', 'Shipping'] },
  { ...base, id: '3', seq: 3, clientId: 'c', author: { kind: 'system' }, body: '**Maria** joined', notice: 'agent_joined' },
  { ...base, id: '4', seq: 4, clientId: 'd', author: { kind: 'agent', id: 'a1', name: 'Maria' }, body: '<img src=x onerror=alert(1)>Hello' },
];
const labels = { bot: 'Assistant', you: 'You', visitor: 'Visitor', sending: 'Sending…', notSent: 'Not sent' };

describe('MessageList', () => {
  it('renders each author distinctly, as a log, with sanitized bodies', () => {
    const root = document.createElement('div');
    render(<MessageList messages={messages} viewer="visitor" render={renderMarkdown} labels={labels} label="Conversation" />, root);
    const log = root.querySelector('[role="log"]')!;
    expect(log.getAttribute('aria-live')).toBe('polite');
    const items = [...log.querySelectorAll('li.bt-msg')];
    expect(items.map((li) => li.className.split(' ')[1])).toEqual(['bt-visitor', 'bt-bot', 'bt-system', 'bt-agent']);
    expect(items[0]!.textContent).toContain('You');
    expect(items[1]!.textContent).toContain('Assistant · automated');
    expect(items[2]!.querySelector('strong')?.textContent).toBe('Maria');
    expect(items[3]!.textContent).toContain('Maria');
    expect(items[3]!.querySelector('img')).toBeNull();
  });

  it('offers the last bot message quick replies as buttons', () => {
    const root = document.createElement('div');
    const chosen: string[] = [];
    render(
      <MessageList messages={messages.slice(0, 2)} viewer="visitor" render={null} labels={labels} label="c" onQuickReply={(q) => chosen.push(q)} />,
      root,
    );
    const buttons = [...root.querySelectorAll('button')];
    expect(buttons.map((b) => b.textContent)).toEqual(['Returns', 'Shipping']);
    buttons[1]!.click();
    expect(chosen).toEqual(['Shipping']);
  });
});

describe('MessageList, spoken messages', () => {
  it('marks a message said aloud with a labelled mic, for the visitor and the agent alike', () => {
    const spoken: Message[] = [
      { ...base, id: '5', seq: 5, clientId: 'e', author: { kind: 'visitor' }, body: 'where is my parcel', spoken: true },
      { ...base, id: '6', seq: 6, clientId: 'f', author: { kind: 'bot', name: 'Assistant' }, body: 'Let me look.' },
    ];
    for (const viewer of ['visitor', 'agent'] as const) {
      const root = document.createElement('div');
      render(<MessageList messages={spoken} viewer={viewer} render={null} labels={{ ...labels, spoken: 'Gesprochen' }} label="c" />, root);
      const items = [...root.querySelectorAll('li.bt-msg')];
      expect(items[0]!.querySelector('[role="img"]')?.getAttribute('aria-label')).toBe('Gesprochen');
      expect(items[1]!.querySelector('[role="img"]')).toBeNull();
    }
    const root = document.createElement('div');
    render(<MessageList messages={spoken} viewer="agent" render={null} labels={labels} label="c" />, root);
    expect(root.querySelector('[role="img"]')?.getAttribute('aria-label')).toBe('Spoken');
  });
});
