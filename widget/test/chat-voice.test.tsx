// The chat's voice controls (issue 18): the mic button by its name, and "Call me back" in the
// reply-later form only for a visitor on voice, sent as a phone number.
import type { VisitorConversation } from '@baton/shared';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { Chat } from '../src/visitor/Chat.js';
import type { Connection } from '../src/visitor/connection.js';
import { catalogs } from '../src/visitor/i18n.js';
import { createVisitorStore, setVoice } from '../src/visitor/store.js';

const waiting: VisitorConversation = { id: 'c1', control: 'queued', agent: null, queuePosition: 1, lastSeq: 3, unavailable: { kind: 'no_agents' } };

function setup() {
  const store = createVisitorStore(`chat-voice-${Math.random()}`);
  store.setState({ connection: 'online', conversation: waiting });
  const asked: unknown[] = [];
  const connection = { typing() {}, replyLater: async (c: unknown) => (asked.push(c), null) } as unknown as Connection;
  const root = document.createElement('div');
  document.body.append(root);
  act(() => render(<Chat serverUrl="" store={store} connection={connection} strings={catalogs.en} render={null} onClose={() => {}} />, root));
  const button = (name: string) => [...root.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === name || b.textContent === name);
  return { store, root, asked, button };
}

describe('Chat, voice', () => {
  it('has a mic button named Start voice, and Stop voice while voice is on', () => {
    const { store, button } = setup();
    expect(button('Start voice')).toBeDefined();
    act(() => setVoice(store, { on: true, activity: 'listening' }));
    expect(button('Stop voice')).toBeDefined();
    expect(button('Start voice')).toBeUndefined();
  });

  it('offers a call back only on voice, and sends the phone number', async () => {
    const { store, root, asked, button } = setup();
    expect(button('Call me back')).toBeUndefined();
    act(() => setVoice(store, { on: true, activity: 'listening' }));
    const phone = root.querySelector<HTMLInputElement>('input[type="tel"]')!;
    expect(phone.getAttribute('aria-label')).toBe('Phone number');
    await act(async () => {
      phone.value = '+43 660 1234567';
      phone.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => button('Call me back')!.click());
    expect(asked).toEqual([{ phone: '+43 660 1234567' }]);
  });
});
