// The console's call area (issue 18): "Join call" for a visitor on voice who waits or is this
// agent's, and the call's state and audio counters as data attributes e2e tests read.
import type { ConversationSummary } from '@baton/shared';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { CallArea } from '../src/console/Call.js';
import type { AgentSocket } from '../src/console/connection.js';
import { consoleStore } from '../src/console/store.js';

const summary = (extra: Partial<ConversationSummary>) => ({ id: 'c1', control: 'queued', channel: 'voice', ...extra }) as ConversationSummary;
const socket = {} as AgentSocket;

describe('CallArea', () => {
  it('offers Join call only for a visitor on voice who waits or is mine', () => {
    const root = document.createElement('div');
    render(<CallArea conversation={summary({})} socket={socket} mine={false} />, root);
    expect([...root.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Join call']);
    expect(root.querySelector('[aria-label="Call"]')?.getAttribute('data-call-state')).toBe('idle');
    render(<CallArea conversation={summary({ control: 'agent' })} socket={socket} mine={false} />, root);
    expect(root.textContent).toBe('');
    render(<CallArea conversation={summary({ channel: 'chat' })} socket={socket} mine={false} />, root);
    expect(root.textContent).toBe('');
  });

  it('shows a live call with mute and hang up, and its audio counters', () => {
    const root = document.createElement('div');
    act(() => {
      consoleStore.setState({ call: { conversationId: 'c1', state: 'connected', muted: true, bytesReceived: 1234, bytesSent: 99 } });
      render(<CallArea conversation={summary({ control: 'agent' })} socket={socket} mine />, root);
    });
    const area = root.querySelector('[aria-label="Call"]')!;
    expect(area.getAttribute('data-call-state')).toBe('connected');
    expect(area.getAttribute('data-bytes-received')).toBe('1234');
    expect(area.getAttribute('data-bytes-sent')).toBe('99');
    expect(area.querySelector('[role="status"]')?.textContent).toBe('On a call with the visitor · muted');
    expect([...root.querySelectorAll('button')].map((b) => [b.textContent, b.getAttribute('aria-pressed')])).toEqual([
      ['Mute', 'true'],
      ['Hang up', null],
    ]);
    act(() => consoleStore.setState({ call: null }));
  });
});
