// A tiny Preact hook over a zustand/vanilla store: re-render when the selected slice changes.
import { useEffect, useState } from 'preact/hooks';
import type { StoreApi } from 'zustand/vanilla';

export function useStore<S, T>(store: StoreApi<S>, selector: (state: S) => T): T {
  const [value, setValue] = useState(() => selector(store.getState()));
  useEffect(() => {
    setValue(selector(store.getState()));
    return store.subscribe((state) => setValue(() => selector(state)));
  }, [store]);
  return value;
}
