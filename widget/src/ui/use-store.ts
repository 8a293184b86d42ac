// A tiny Preact hook over a zustand/vanilla store: re-render when the selected slice changes.
// The slice is read on every render with the selector of that render, so a selector that depends
// on props (the conversation an agent switched to) never shows the previous one's data.
import { useEffect, useReducer, useRef } from 'preact/hooks';
import type { StoreApi } from 'zustand/vanilla';

export function useStore<S, T>(store: StoreApi<S>, selector: (state: S) => T): T {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const value = selector(store.getState());
  const latest = useRef({ selector, value });
  latest.current = { selector, value };
  useEffect(() => {
    // A change that happened between render and subscribe is not missed.
    if (!Object.is(latest.current.selector(store.getState()), latest.current.value)) rerender(0);
    return store.subscribe((state) => {
      if (!Object.is(latest.current.selector(state), latest.current.value)) rerender(0);
    });
  }, [store]);
  return value;
}
