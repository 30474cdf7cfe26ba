/** The one source of "now". Tests and demos run any date by passing a fixed or shifted clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date | string): Clock & { set(at: Date | string): void; advance(ms: number): void } {
  let t = new Date(at).getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = new Date(d).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A clock running from `asOf` onwards (for `--as-of` demos): same speed as the wall clock, shifted. */
export function shiftedClock(asOf: Date | string): Clock {
  const offset = new Date(asOf).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}
