import { describe, expect, it } from 'vitest';
import { DEFAULT_FACT_SETTINGS } from '../../../contracts/segments.js';
import { addDays, addMonths, ageOn, anyWordPattern, daysBetween, localDate, localMidnight, mergeSettings, relativeRange, resolveRelative } from './rules.js';

describe('business-day arithmetic', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2026-11-23', -12, '2025-11-23'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-12-15', 1, '2027-01-15'],
  ])('%s + %i months = %s (clamped to the month end, as PostgreSQL does)', (d, n, out) => {
    expect(addMonths(d, n)).toBe(out);
  });

  it('adds days across years and counts days between', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-07-01', '2026-11-23')).toBe(145);
  });

  it('resolves relative dates from today: "the last 6 months" and "the next 30 days"', () => {
    expect(resolveRelative({ relative: { direction: 'past', amount: 6, unit: 'month' } }, '2026-11-23')).toBe('2026-05-23');
    expect(relativeRange({ relative: { direction: 'past', amount: 6, unit: 'month' } }, '2026-11-23')).toEqual(['2026-05-23', '2026-11-23']);
    expect(relativeRange({ relative: { direction: 'next', amount: 30, unit: 'day' } }, '2026-11-23')).toEqual(['2026-11-23', '2026-12-23']);
    expect(resolveRelative({ relative: { direction: 'past', amount: 1, unit: 'year' } }, '2024-02-29')).toBe('2023-02-28');
  });

  it('knows the business day and its midnight in the store time zone', () => {
    expect(localDate(new Date('2026-11-23T17:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-24');
    expect(localMidnight('2026-11-24', 'Asia/Shanghai').toISOString()).toBe('2026-11-23T16:00:00.000Z');
    expect(localMidnight('2026-07-01', 'Europe/Berlin').toISOString()).toBe('2026-06-30T22:00:00.000Z');
  });

  it('counts a person’s age in full years', () => {
    expect(ageOn('2001-11-24', '2026-11-23')).toBe(24);
    expect(ageOn('2001-11-23', '2026-11-23')).toBe(25);
  });
});

describe('settings', () => {
  it('inherit defaults ← group ← store, and drop what no longer parses', () => {
    const s = mergeSettings({ highValueSpendFen: 800_000, tradeInAgeYears: 5 }, { tradeInAgeYears: 6, unknown: 1, churnHighDays: -3 } as Record<string, unknown>);
    expect(s.highValueSpendFen).toBe(800_000);
    expect(s.tradeInAgeYears).toBe(6);
    expect(s.churnHighDays).toBe(DEFAULT_FACT_SETTINGS.churnHighDays);
    expect(s).not.toHaveProperty('unknown');
  });

  it('turns keywords into one literal regular expression', () => {
    expect(anyWordPattern(['孩子', 'a.b', ' '])).toBe('孩子|a\\.b');
    expect(anyWordPattern([])).toBeNull();
  });
});
