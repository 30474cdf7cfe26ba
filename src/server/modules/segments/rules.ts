/**
 * Pure rules of the segments module: settings inheritance, business-day arithmetic and relative dates. No I/O, so
 * the SQL builders and the tests share exactly the same date boundaries.
 */
import { DEFAULT_FACT_SETTINGS, ZFactSettingsPatch, type TFactSettings, type TFactSettingsPatch, type TRelative } from '../../../contracts/segments.js';

/** Effective settings: code defaults ← group overrides ← store overrides (unknown keys are dropped). */
export function mergeSettings(...layers: (TFactSettingsPatch | Record<string, unknown> | null | undefined)[]): TFactSettings {
  let out: TFactSettings = { ...DEFAULT_FACT_SETTINGS };
  for (const layer of layers) {
    if (!layer) continue;
    const parsed = ZFactSettingsPatch.safeParse(layer);
    // A stored layer that no longer parses (a setting renamed) must not stop the daily run: keep the valid keys.
    const valid = parsed.success ? parsed.data : pickValid(layer);
    out = { ...out, ...stripUndefined(valid) };
  }
  return out;
}

function pickValid(layer: Record<string, unknown>): TFactSettingsPatch {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(layer)) {
    const one = ZFactSettingsPatch.safeParse({ [k]: v });
    if (one.success && k in one.data) out[k] = v;
  }
  return out as TFactSettingsPatch;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** 'YYYY-MM-DD' of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The UTC offset (ms) of a time zone at an instant. */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a local day starts (00:00 in the time zone). */
export function localMidnight(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess - zoneOffsetMs(new Date(first), timeZone));
}

const pad = (n: number) => String(n).padStart(2, '0');
const fmt = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Adds days to a 'YYYY-MM-DD' date. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return fmt(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Adds calendar months, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29), as PostgreSQL does. */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const idx = y * 12 + (m - 1) + n;
  const ny = Math.floor(idx / 12);
  const nm = (idx % 12) + 1;
  return fmt(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  const p = (s: string) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((p(b) - p(a)) / 86_400_000);
}

/** The day a relative date points at: `past 6 month` from 2026-11-23 = 2026-05-23; `next 30 day` = 2026-12-23. */
export function resolveRelative(rel: TRelative, today: string): string {
  const { direction, amount, unit } = rel.relative;
  const n = direction === 'past' ? -amount : amount;
  if (unit === 'day') return addDays(today, n);
  return addMonths(today, unit === 'month' ? n : n * 12);
}

/** The inclusive day range of `within` a relative period: the last N units up to today, or today to N units ahead. */
export function relativeRange(rel: TRelative, today: string): [string, string] {
  const edge = resolveRelative(rel, today);
  return rel.relative.direction === 'past' ? [edge, today] : [today, edge];
}

/** Full years between a birthday and a day (the age a person has on that day). */
export function ageOn(birthday: string, day: string): number {
  const [by, bm, bd] = birthday.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** A PostgreSQL regular expression matching any of the words literally (null when there are none). */
export function anyWordPattern(words: readonly string[]): string | null {
  const clean = words.map((w) => w.trim()).filter(Boolean);
  if (!clean.length) return null;
  return clean.map((w) => w.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')).join('|');
}
