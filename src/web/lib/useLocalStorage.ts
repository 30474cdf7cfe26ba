import { useCallback, useState } from 'react';

/** State mirrored into localStorage (JSON), for preferences such as chosen columns or the store filter. */
export function useLocalStorage<T>(key: string, initial: T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? initial : (JSON.parse(raw) as T);
    } catch {
      return initial;
    }
  });
  const set = useCallback(
    (v: T) => {
      setValue(v);
      try {
        if (v === undefined) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify(v));
      } catch {
        /* storage full or disabled: keep the in-memory value */
      }
    },
    [key],
  );
  return [value, set];
}
