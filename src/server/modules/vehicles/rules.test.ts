import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeLike, isInFuture, isNewerMileage, localDate, modelDisplayName, vehicleDateErrors } from './rules.js';

describe('localDate', () => {
  it('gives the store-local calendar day (Beijing is UTC+8)', () => {
    expect(localDate(new Date('2026-11-22T15:59:59Z'))).toBe('2026-11-22');
    expect(localDate(new Date('2026-11-22T16:00:00Z'))).toBe('2026-11-23');
    expect(localDate(new Date('2026-11-22T16:00:00Z'), 'UTC')).toBe('2026-11-22');
  });
});

describe('vehicleDateErrors', () => {
  const today = '2026-11-23';
  it('accepts past facts up to today and refuses any after it', () => {
    expect(vehicleDateErrors({ purchaseDate: today, deliveryDate: today, lastMileageAt: '2026-01-01' }, today)).toEqual([]);
    expect(vehicleDateErrors({ purchaseDate: '2026-11-24', lastMileageAt: '2027-01-01' }, today).map((e) => e.path)).toEqual(['body.purchaseDate', 'body.lastMileageAt']);
  });
  it('refuses a delivery before the purchase', () => {
    expect(vehicleDateErrors({ purchaseDate: '2026-05-02', deliveryDate: '2026-05-01' }, today)).toEqual([expect.objectContaining({ path: 'body.deliveryDate' })]);
  });
});

describe('isNewerMileage', () => {
  it('takes the first reading and any higher one, never a lower or equal one', () => {
    fc.assert(
      fc.property(fc.nat(2_000_000), fc.nat(2_000_000), (last, reading) => {
        expect(isNewerMileage(last, reading)).toBe(reading > last);
        expect(isNewerMileage(null, reading)).toBe(true);
      }),
    );
  });
});

describe('small helpers', () => {
  it('tolerate five minutes of clock drift for "not in the future"', () => {
    const now = new Date('2026-11-23T02:00:00Z');
    expect(isInFuture(new Date('2026-11-23T02:04:59Z'), now)).toBe(false);
    expect(isInFuture(new Date('2026-11-23T02:05:01Z'), now)).toBe(true);
  });
  it('name a model by brand, series and name; escape LIKE wildcards', () => {
    expect(modelDisplayName({ brand: '领航', series: 'L7', name: '2025款' })).toBe('领航 L7 2025款');
    expect(modelDisplayName({ brand: null, series: null, name: null })).toBeNull();
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
  });
});
