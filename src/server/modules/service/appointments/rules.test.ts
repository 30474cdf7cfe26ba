import { describe, expect, it } from 'vitest';
import { ZAppointmentListQuery, ZAppointmentSettingsInput } from '../../../../contracts/appointments.js';
import { addDays, capacityOf, checkInError, DEFAULT_APPOINTMENT_SETTINGS, noShowError, ownerMayChange, slotError, slotsOfDay, weekdayOf } from './rules.js';

const TZ = 'Asia/Shanghai';
const S = { ...DEFAULT_APPOINTMENT_SETTINGS, hours: [...DEFAULT_APPOINTMENT_SETTINGS.hours] };
// 2026-11-23 is a Monday; 10:00 in Beijing.
const NOW = new Date('2026-11-23T02:00:00Z');

describe('slots', () => {
  it('runs from opening every slot length, the last one ending by closing, in the store time zone', () => {
    const slots = slotsOfDay({ ...S, slotMinutes: 60, hours: Array(7).fill({ open: '08:30', close: '12:00' }) }, '2026-11-24', TZ);
    expect(slots.map((s) => s.time)).toEqual(['08:30', '09:30', '10:30']);
    expect(slots[0]!.start.toISOString()).toBe('2026-11-24T00:30:00.000Z');
    expect(slots[2]!.end.toISOString()).toBe('2026-11-24T03:30:00.000Z');
    expect(slotsOfDay(S, '2026-11-24', TZ)).toHaveLength(18); // 08:30–17:30 in half hours
  });

  it('has none on a closed weekday or a closed date', () => {
    const sundayOff = { ...S, hours: S.hours.map((h, i) => (i === 6 ? null : h)) };
    expect(weekdayOf('2026-11-29')).toBe(6);
    expect(slotsOfDay(sundayOff, '2026-11-29', TZ)).toEqual([]);
    expect(slotsOfDay({ ...S, closedDates: ['2026-11-25'] }, '2026-11-25', TZ)).toEqual([]);
    expect(slotsOfDay({ ...S, closedDates: ['2026-11-25'] }, '2026-11-26', TZ)).toHaveLength(18);
  });

  it('takes as many cars as there are both bays and technicians', () => {
    expect(capacityOf({ bays: 6, technicians: 4 })).toBe(4);
    expect(capacityOf({ bays: 2, technicians: 5 })).toBe(2);
    expect(capacityOf({ bays: 0, technicians: 5 })).toBe(0);
  });

  it('adds days across month ends', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('slotError', () => {
  const at = (iso: string) => new Date(iso);
  it('accepts a slot start in the window', () => {
    expect(slotError(S, at('2026-11-24T01:00:00Z'), NOW, TZ)).toBeNull(); // 09:00 tomorrow
  });
  it('refuses a time that is not a slot start, a past slot, one inside the lead time, one beyond the horizon, a closed day', () => {
    expect(slotError(S, at('2026-11-24T01:10:00Z'), NOW, TZ)?.code).toBe('slot-invalid');
    expect(slotError(S, at('2026-11-23T01:00:00Z'), NOW, TZ)?.code).toBe('slot-past'); // 09:00 today
    expect(slotError(S, at('2026-11-23T02:30:00Z'), NOW, TZ)?.code).toBe('slot-too-soon'); // 10:30 today, lead 60 min
    expect(slotError(S, at('2026-11-23T03:00:00Z'), NOW, TZ)).toBeNull(); // 11:00 today
    expect(slotError(S, at('2026-12-23T01:00:00Z'), NOW, TZ)).toBeNull(); // day 30
    expect(slotError(S, at('2026-12-24T01:00:00Z'), NOW, TZ)?.code).toBe('slot-too-far');
    expect(slotError({ ...S, closedDates: ['2026-11-24'] }, at('2026-11-24T01:00:00Z'), NOW, TZ)?.code).toBe('store-closed');
    expect(slotError(S, at('2026-11-24T01:10:00Z'), NOW, TZ)?.message).toMatch(/请选择列表中的预约时段 \/ Pick one/);
  });
});

describe('state rules', () => {
  it('lets the owner change a booked appointment only before its slot begins', () => {
    expect(ownerMayChange('booked', new Date(NOW.getTime() + 60_000), NOW)).toBe(true);
    expect(ownerMayChange('booked', new Date(NOW.getTime() - 60_000), NOW)).toBe(false);
    expect(ownerMayChange('cancelled', new Date(NOW.getTime() + 60_000), NOW)).toBe(false);
  });
  it('checks in on the day only, also a late owner already marked no-show', () => {
    expect(checkInError('booked', '2026-11-23', '2026-11-23')).toBeNull();
    expect(checkInError('no_show', '2026-11-23', '2026-11-23')).toBeNull();
    expect(checkInError('booked', '2026-11-24', '2026-11-23')?.code).toBe('not-today');
    expect(checkInError('checked_in', '2026-11-23', '2026-11-23')?.code).toBe('already-checked-in');
    expect(checkInError('cancelled', '2026-11-23', '2026-11-23')?.code).toBe('appointment-cancelled');
  });
  it('marks a no-show only once the slot has begun', () => {
    expect(noShowError('booked', new Date(NOW.getTime() - 1), NOW)).toBeNull();
    expect(noShowError('booked', new Date(NOW.getTime() + 60_000), NOW)?.code).toBe('not-started');
    expect(noShowError('checked_in', new Date(NOW.getTime() - 1), NOW)?.code).toBe('not-booked');
  });
});

describe('contracts', () => {
  it('validates settings in words', () => {
    expect(ZAppointmentSettingsInput.safeParse(S).success).toBe(true);
    const shortDay = ZAppointmentSettingsInput.safeParse({ ...S, slotMinutes: 120, hours: S.hours.map((h, i) => (i === 0 ? { open: '09:00', close: '10:00' } : h)) });
    expect(shortDay.error?.issues[0]?.message).toContain('至少要能放下一个时段');
    expect(ZAppointmentSettingsInput.safeParse({ ...S, slotMinutes: 25 }).success).toBe(false);
    expect(ZAppointmentSettingsInput.safeParse({ ...S, hours: S.hours.map(() => ({ open: '18:00', close: '09:00' })) }).success).toBe(false);
  });
  it('needs a bounded date range or a customer for listing', () => {
    expect(ZAppointmentListQuery.safeParse({}).success).toBe(false);
    expect(ZAppointmentListQuery.safeParse({ from: '2026-11-01', to: '2026-12-15' }).success).toBe(false);
    expect(ZAppointmentListQuery.safeParse({ from: '2026-11-01', to: '2026-11-30' }).success).toBe(true);
    expect(ZAppointmentListQuery.safeParse({ customerId: '0190f5a3-0000-7000-8000-000000000001' }).success).toBe(true);
  });
});
