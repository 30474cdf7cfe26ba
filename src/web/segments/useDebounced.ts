import { useEffect, useState } from 'react';

/** The value, once it has stopped changing for `ms` milliseconds (the live count waits for the user to pause). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(h);
  }, [value, ms]);
  return v;
}
