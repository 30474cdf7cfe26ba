import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorking,
  budgetMinutes,
  calendarOf,
  DEFAULT_COMPLAINT_SETTINGS,
  dueAt,
  escalationLevelAt,
  isBreached,
  meetClock,
  pauseClock,
  remainingMs,
  resumeClock,
  startClock,
  warnAt,
  workingBetween,
  type TCalendar,
} from './rules.js';

const H = 3600_000;
const MIN = 60_000;
const d = (s: string) => new Date(s);
const always: TCalendar = { timezone: 'Asia/Shanghai', hours: null };
/** Mon–Sat 08:30–18:00 in Shanghai (UTC+8): 00:30–10:00 UTC. */
const shop = calendarOf({ businessHours: { days: [1, 2, 3, 4, 5, 6], open: '08:30', close: '18:00' } }, 'Asia/Shanghai');

describe('SLA budgets', () => {
  it('follows the defaults: ack 1 h, urgent 4 h, normal 24 h, feedback 24 h, revisit 7 days', () => {
    const s = DEFAULT_COMPLAINT_SETTINGS;
    expect(budgetMinutes('acknowledge', 'normal', s)).toBe(60);
    expect(budgetMinutes('resolve', 'urgent', s)).toBe(240);
    expect(budgetMinutes('resolve', 'normal', s)).toBe(1440);
    expect(budgetMinutes('feedback', 'urgent', s)).toBe(1440);
    expect(budgetMinutes('revisit', 'normal', s)).toBe(7 * 1440);
  });
});

describe('working-time calendar', () => {
  it('round the clock adds plain time', () => {
    expect(addWorking(d('2026-12-01T10:00:00Z'), H, always).toISOString()).toBe('2026-12-01T11:00:00.000Z');
  });

  it('counts only business hours in the store time zone', () => {
    // Tue 17:30 Shanghai (09:30Z) + 1 h → 30 min today, 30 min from Wed 08:30 → Wed 09:00 Shanghai = 01:00Z
    expect(addWorking(d('2026-12-01T09:30:00Z'), H, shop).toISOString()).toBe('2026-12-02T01:00:00.000Z');
  });

  it('skips the closed day (Sunday) and starts at opening when received at night', () => {
    // Sat 2026-12-05 20:00 Shanghai (12:00Z) + 1 h → Mon 09:30 Shanghai = 01:30Z
    expect(addWorking(d('2026-12-05T12:00:00Z'), H, shop).toISOString()).toBe('2026-12-07T01:30:00.000Z');
  });

  it('the same UTC instant gives different deadlines in different zones', () => {
    const berlin = calendarOf({ businessHours: { days: [1, 2, 3, 4, 5], open: '09:00', close: '17:00' } }, 'Europe/Berlin');
    // 2026-12-01 15:30Z is 16:30 in Berlin (UTC+1): 30 min today, 30 min Wednesday from 09:00 → 09:30 Berlin = 08:30Z
    expect(addWorking(d('2026-12-01T15:30:00Z'), H, berlin).toISOString()).toBe('2026-12-02T08:30:00.000Z');
  });

  it('handles a DST change (Berlin, last Sunday of March)', () => {
    const berlin = calendarOf({ businessHours: { days: [1, 2, 3, 4, 5], open: '09:00', close: '17:00' } }, 'Europe/Berlin');
    // Fri 2027-03-26 16:00 CET (15:00Z) + 2 h → 1 h Friday, 1 h Monday from 09:00 CEST (07:00Z) → 08:00Z
    expect(addWorking(d('2027-03-26T15:00:00Z'), 2 * H, berlin).toISOString()).toBe('2027-03-29T08:00:00.000Z');
  });

  it('workingBetween is the inverse of addWorking (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: d('2026-01-01T00:00:00Z'), max: d('2028-01-01T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 1, max: 30 * 24 * 60 }), (start, minutes) => {
        const end = addWorking(start, minutes * MIN, shop);
        expect(workingBetween(start, end, shop)).toBe(minutes * MIN);
        expect(end.getTime()).toBeGreaterThan(start.getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('working time is additive over a split point (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: d('2026-01-01T00:00:00Z'), max: d('2027-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 20 * 24 * 60 }),
        fc.integer({ min: 0, max: 20 * 24 * 60 }),
        (a, m1, m2) => {
          const b = new Date(a.getTime() + m1 * MIN);
          const c = new Date(b.getTime() + m2 * MIN);
          expect(workingBetween(a, b, shop) + workingBetween(b, c, shop)).toBe(workingBetween(a, c, shop));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('SLA clocks', () => {
  const received = d('2026-12-01T02:00:00Z');

  it('a breach exactly at the boundary is on time; one millisecond later it is breached', () => {
    const c = startClock(60, received);
    const due = dueAt(c, always)!;
    expect(due.toISOString()).toBe('2026-12-01T03:00:00.000Z');
    expect(isBreached(c, due, always)).toBe(false);
    expect(isBreached(c, new Date(due.getTime() + 1), always)).toBe(true);
    expect(isBreached(meetClock(c, due, always), d('2026-12-09T00:00:00Z'), always)).toBe(false);
    expect(isBreached(meetClock(c, new Date(due.getTime() + 1), always), due, always)).toBe(true);
  });

  it('warns at the configured share of the budget', () => {
    expect(warnAt(startClock(60, received), 80, always)!.toISOString()).toBe('2026-12-01T02:48:00.000Z');
  });

  it('a paused clock does not run; resuming pushes the deadline by the pause', () => {
    let c = startClock(60, received);
    c = pauseClock(c, d('2026-12-01T02:20:00Z'), always);
    expect(dueAt(c, always)).toBeNull();
    expect(isBreached(c, d('2026-12-05T00:00:00Z'), always)).toBe(false);
    expect(remainingMs(c, d('2026-12-05T00:00:00Z'), always)).toBe(40 * MIN);
    c = resumeClock(c, d('2026-12-01T05:00:00Z'));
    expect(dueAt(c, always)!.toISOString()).toBe('2026-12-01T05:40:00.000Z');
  });

  it('pause and resume in business hours keep only working time', () => {
    // received Tue 17:00 Shanghai, paused 17:30 (30 min used), resumed Wed 12:00: 30 min left → Wed 12:30 Shanghai
    let c = startClock(60, d('2026-12-01T09:00:00Z'));
    c = pauseClock(c, d('2026-12-01T09:30:00Z'), shop);
    c = resumeClock(c, d('2026-12-02T04:00:00Z'));
    expect(dueAt(c, shop)!.toISOString()).toBe('2026-12-02T04:30:00.000Z');
  });

  it('a reopened complaint gets a fresh resolve clock from the reopen', () => {
    const first = meetClock(startClock(240, received), d('2026-12-01T05:00:00Z'), always);
    expect(isBreached(first, d('2026-12-03T00:00:00Z'), always)).toBe(false);
    const reopened = startClock(240, d('2026-12-03T00:00:00Z'));
    expect(dueAt(reopened, always)!.toISOString()).toBe('2026-12-03T04:00:00.000Z');
  });

  it('pausing never loses or invents working time (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 3000 }), (gaps, budget) => {
        // alternate running / paused segments of `gaps` minutes; used time = sum of running segments
        let c = startClock(budget, received);
        let t = received.getTime();
        let running = 0;
        gaps.forEach((g, i) => {
          t += g * MIN;
          if (i % 2 === 0) {
            running += g;
            c = pauseClock(c, new Date(t), always);
          } else c = resumeClock(c, new Date(t));
        });
        const now = new Date(t);
        expect(remainingMs(c, now, always)).toBe((budget - running) * MIN);
        expect(isBreached(c, now, always)).toBe(running > budget);
      }),
    );
  });
});

describe('escalation chain', () => {
  const due = d('2026-12-01T03:00:00Z');
  it('nobody before the deadline, the store manager after it, the CX officer after the further wait', () => {
    expect(escalationLevelAt(due, due, 120)).toBe(0);
    expect(escalationLevelAt(due, d('2026-12-01T03:00:01Z'), 120)).toBe(1);
    expect(escalationLevelAt(due, d('2026-12-01T05:00:00Z'), 120)).toBe(1);
    expect(escalationLevelAt(due, d('2026-12-01T05:00:01Z'), 120)).toBe(2);
    expect(escalationLevelAt(null, d('2027-01-01T00:00:00Z'), 120)).toBe(0);
  });
});
