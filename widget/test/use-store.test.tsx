// The store hook: a component sees the slice its current props select, and store changes.
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { useStore } from '../src/ui/use-store.js';

describe('useStore', () => {
  it('follows a selector that depends on props, and the store as it changes', () => {
    const store = createStore(() => ({ drafts: { a: 'reply to A', b: 'reply to B' } as Record<string, string> }));
    const Draft = ({ id }: { id: string }) => <p>{useStore(store, (s) => s.drafts[id] ?? '')}</p>;
    const root = document.createElement('div');
    act(() => render(<Draft id="a" />, root));
    expect(root.textContent).toBe('reply to A');
    // Switching conversations without remounting: the other conversation's draft, at once.
    act(() => render(<Draft id="b" />, root));
    expect(root.textContent).toBe('reply to B');
    act(() => store.setState({ drafts: { a: 'reply to A', b: 'edited B' } }));
    expect(root.textContent).toBe('edited B');
    act(() => store.setState({ drafts: { a: 'edited A', b: 'edited B' } }));
    expect(root.textContent).toBe('edited B');
    act(() => render(null, root));
  });
});
