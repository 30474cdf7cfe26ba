/**
 * Pure complaint rules: SLA budgets, the working-time calendar (store business hours in the store time zone), the
 * clock arithmetic (pause, resume, reopen, breach) and the default routing. No I/O; the service stores the results.
 */
import type { TComplaintSeverity, TComplaintSettingsInput, TComplaintType, TRoutingRole, TSlaStage } from '../../../contracts/complaints.js';

const MIN = 60_000;

/** What a store without its own settings gets (DOMAIN.md, Complaints): ack 1 h, resolve 4 h / 24 h, feedback 24 h, revisit 7 days. */
export const DEFAULT_COMPLAINT_SETTINGS: TComplaintSettingsInput = {
  acknowledgeMinutes: 60,
  resolveUrgentMinutes: 4 * 60,
  resolveNormalMinutes: 24 * 60,
  feedbackMinutes: 24 * 60,
  revisitMinutes: 7 * 24 * 60,
  warnPercent: 80,
  escalateCxAfterMinutes: 2 * 60,
  businessHours: null,
};

/** Default routing: attitude → the service side, technical → workshop (service), fee → store manager, other → CX. */
export const DEFAULT_ROUTING: Record<TComplaintType, TRoutingRole> = {
  attitude: 'service',
  technical: 'service',
  fee: 'store_manager',
  waiting: 'service',
  parts: 'service',
  other: 'cx',
};

/** The budget of one clock for a complaint of this severity. */
export function budgetMinutes(stage: TSlaStage, severity: TComplaintSeverity, s: TComplaintSettingsInput): number {
  switch (stage) {
    case 'acknowledge':
      return s.acknowledgeMinutes;
    case 'resolve':
      return severity === 'urgent' ? s.resolveUrgentMinutes : s.resolveNormalMinutes;
    case 'feedback':
      return s.feedbackMinutes;
    case 'revisit':
      return s.revisitMinutes;
  }
}

/** Working time: round the clock (null) or the store's business hours in its time zone. */
export interface TCalendar {
  timezone: string;
  hours: { days: number[]; openMinute: number; closeMinute: number } | null;
}

const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

export function calendarOf(s: Pick<TComplaintSettingsInput, 'businessHours'>, timezone: string): TCalendar {
  const b = s.businessHours;
  return { timezone, hours: b ? { days: [...b.days], openMinute: hm(b.open), closeMinute: hm(b.close) } : null };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string) {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** Local wall-clock fields of an instant in a time zone. */
export function localParts(t: number, tz: string) {
  const p: Record<string, number> = {};
  for (const x of fmt(tz).formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour! % 24, min: p.minute!, s: p.second! };
}

/** The offset (ms) of the zone at an instant: local wall time minus UTC. */
function offsetAt(t: number, tz: string): number {
  const p = localParts(t, tz);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The instant of a local wall time (day overflow allowed, e.g. d + 1); in a DST gap the later instant. */
export function zonedInstant(y: number, m: number, d: number, minuteOfDay: number, tz: string): number {
  const local = Date.UTC(y, m - 1, d, 0, minuteOfDay);
  let t = local - offsetAt(local, tz);
  t = local - offsetAt(t, tz);
  return t;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a local date. */
const isoWeekday = (y: number, m: number, d: number) => ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;

const MAX_DAYS = 3700;

/** Working windows [start, end) from the local day containing `from` onwards. */
function* windows(from: number, cal: TCalendar): Generator<[number, number]> {
  const h = cal.hours!;
  const p = localParts(from, cal.timezone);
  for (let i = 0; i < MAX_DAYS; i++) {
    const wd = isoWeekday(p.y, p.m, p.d + i);
    if (!h.days.includes(wd)) continue;
    yield [zonedInstant(p.y, p.m, p.d + i, h.openMinute, cal.timezone), zonedInstant(p.y, p.m, p.d + i, h.closeMinute, cal.timezone)];
  }
}

/** `start` plus `ms` of working time. Zero working time is `start` itself. */
export function addWorking(start: Date, ms: number, cal: TCalendar): Date {
  if (ms <= 0 || !cal.hours) return new Date(start.getTime() + Math.max(0, ms));
  let left = ms;
  const t0 = start.getTime();
  for (const [open, close] of windows(t0, cal)) {
    if (close <= t0) continue;
    const from = Math.max(open, t0);
    const avail = close - from;
    if (left <= avail) return new Date(from + left);
    left -= avail;
  }
  throw new Error('business hours leave no working time');
}

/** Working time between two instants (0 when `to` is not after `from`). */
export function workingBetween(from: Date, to: Date, cal: TCalendar): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  if (!cal.hours) return b - a;
  let sum = 0;
  for (const [open, close] of windows(a, cal)) {
    if (open >= b) break;
    sum += Math.max(0, Math.min(close, b) - Math.max(open, a));
  }
  return sum;
}

/**
 * One SLA clock. Working time used so far is `consumedMs` (segments before a pause) plus the running segment since
 * `runningSince`; a paused clock has `runningSince = null`. A met clock has `metAt`.
 */
export interface TClockState {
  budgetMs: number;
  consumedMs: number;
  runningSince: Date | null;
  metAt: Date | null;
}

export const startClock = (budgetMinutes: number, at: Date): TClockState => ({ budgetMs: budgetMinutes * MIN, consumedMs: 0, runningSince: at, metAt: null });

/** Working time used by `now`. */
export function usedMs(c: TClockState, now: Date, cal: TCalendar): number {
  const end = c.metAt ?? now;
  return c.consumedMs + (c.runningSince ? workingBetween(c.runningSince, end, cal) : 0);
}

/** When the clock runs out if it keeps running (null while paused or once met). */
export function dueAt(c: TClockState, cal: TCalendar): Date | null {
  if (!c.runningSince || c.metAt) return null;
  return addWorking(c.runningSince, c.budgetMs - c.consumedMs, cal);
}

/** When the warning is due: `warnPercent` of the budget used (null while paused or once met). */
export function warnAt(c: TClockState, warnPercent: number, cal: TCalendar): Date | null {
  if (!c.runningSince || c.metAt) return null;
  return addWorking(c.runningSince, Math.floor((c.budgetMs * warnPercent) / 100) - c.consumedMs, cal);
}

/** Breached: more working time used than the budget. Met (or looked at) exactly at the deadline is on time. */
export function isBreached(c: TClockState, now: Date, cal: TCalendar): boolean {
  return usedMs(c, now, cal) > c.budgetMs;
}

export function remainingMs(c: TClockState, now: Date, cal: TCalendar): number {
  return c.budgetMs - usedMs(c, now, cal);
}

export function pauseClock(c: TClockState, now: Date, cal: TCalendar): TClockState {
  if (!c.runningSince || c.metAt) return c;
  return { ...c, consumedMs: c.consumedMs + workingBetween(c.runningSince, now, cal), runningSince: null };
}

export function resumeClock(c: TClockState, now: Date): TClockState {
  if (c.runningSince || c.metAt) return c;
  return { ...c, runningSince: now };
}

/** Stops the clock: its used time is frozen into `consumedMs`. */
export function meetClock(c: TClockState, now: Date, cal: TCalendar): TClockState {
  if (c.metAt) return c;
  return { ...c, consumedMs: usedMs(c, now, cal), runningSince: null, metAt: now };
}

/** Who a breach goes to at each level: 1 the store manager, 2 the CX officer. */
export const ESCALATION_CHAIN = ['store_manager', 'cx'] as const;

/** The escalation level a breached clock should be at `now`: 0 not breached, 1 manager, 2 CX after the further wait. */
export function escalationLevelAt(due: Date | null, now: Date, escalateCxAfterMinutes: number): number {
  if (!due || now.getTime() <= due.getTime()) return 0;
  return now.getTime() > due.getTime() + escalateCxAfterMinutes * MIN ? 2 : 1;
}
