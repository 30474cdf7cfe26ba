import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import { hhmmToMinutes, type TAppointmentSettingsInput, type TAppointmentStatus } from '../../../../contracts/appointments.js';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * What a store without its own settings gets: 30-minute arrival slots, 08:30–17:30 every day (4S service halls open
 * at weekends), 4 bays and 4 technicians, no-show 30 minutes after the slot, bookable from an hour ahead up to 30 days.
 */
export const DEFAULT_APPOINTMENT_SETTINGS: TAppointmentSettingsInput = {
  slotMinutes: 30,
  bays: 4,
  technicians: 4,
  hours: Array.from({ length: 7 }, () => ({ open: '08:30', close: '17:30' })),
  graceMinutes: 30,
  leadMinutes: 60,
  horizonDays: 30,
  closedDates: [],
};

/** Cars a slot takes: each needs a bay and a technician. */
export function capacityOf(s: Pick<TAppointmentSettingsInput, 'bays' | 'technicians'>): number {
  return Math.max(0, Math.min(s.bays, s.technicians));
}

/** 0 = Monday … 6 = Sunday, for a `YYYY-MM-DD` calendar day. */
export function weekdayOf(localDate: string): number {
  return (new Date(`${localDate}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** A calendar day `n` days after `localDate`. */
export function addDays(localDate: string, n: number): string {
  const d = new Date(`${localDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The store-local calendar day of an instant. */
export function localDayOf(at: Date, tz: string): string {
  return dayjs(at).tz(tz).format('YYYY-MM-DD');
}

/** The store-local `HH:mm` of an instant. */
export function localTimeOf(at: Date, tz: string): string {
  return dayjs(at).tz(tz).format('HH:mm');
}

/** The instant of a store-local wall time on a day. */
export function instantOf(localDate: string, hhmm: string, tz: string): Date {
  return dayjs.tz(`${localDate} ${hhmm}`, tz).toDate();
}

export interface TSlotTime {
  start: Date;
  end: Date;
  /** Store-local `HH:mm` of the start. */
  time: string;
}

/**
 * The slots of one store-local day: from opening, every `slotMinutes`, each ending by closing time. None on a closed
 * weekday or a closed date.
 */
export function slotsOfDay(s: TAppointmentSettingsInput, localDate: string, tz: string): TSlotTime[] {
  if (s.closedDates.includes(localDate)) return [];
  const hours = s.hours[weekdayOf(localDate)];
  if (!hours) return [];
  const open = hhmmToMinutes(hours.open);
  const close = hhmmToMinutes(hours.close);
  const out: TSlotTime[] = [];
  for (let m = open; m + s.slotMinutes <= close; m += s.slotMinutes) {
    const time = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const start = instantOf(localDate, time, tz);
    out.push({ start, end: new Date(start.getTime() + s.slotMinutes * 60_000), time });
  }
  return out;
}

/** Whether a slot may still be booked at `now`: not inside the lead time, not beyond the horizon. */
export function isWithinBookingWindow(s: TAppointmentSettingsInput, start: Date, now: Date, tz: string): boolean {
  if (start.getTime() < now.getTime() + s.leadMinutes * 60_000) return false;
  return localDayOf(start, tz) <= addDays(localDayOf(now, tz), s.horizonDays);
}

export interface TRuleError {
  code: string;
  message: string;
}

/**
 * Why `start` cannot be booked (a bilingual reason for the person booking), or null: it must be the start of one of
 * the day's slots, not in the past or inside the lead time, and within the horizon.
 */
export function slotError(s: TAppointmentSettingsInput, start: Date, now: Date, tz: string): TRuleError | null {
  const day = localDayOf(start, tz);
  const slot = slotsOfDay(s, day, tz).find((x) => x.start.getTime() === start.getTime());
  if (!slot) {
    return slotsOfDay(s, day, tz).length === 0
      ? { code: 'store-closed', message: `门店 ${day} 不营业 / The workshop is closed on ${day}` }
      : { code: 'slot-invalid', message: '请选择列表中的预约时段 / Pick one of the offered slots' };
  }
  if (start.getTime() < now.getTime()) return { code: 'slot-past', message: '该时段已过，请选择其他时段 / This slot has passed, pick another' };
  if (start.getTime() < now.getTime() + s.leadMinutes * 60_000) {
    return { code: 'slot-too-soon', message: `请至少提前 ${s.leadMinutes} 分钟预约 / Book at least ${s.leadMinutes} minutes ahead` };
  }
  if (day > addDays(localDayOf(now, tz), s.horizonDays)) {
    return { code: 'slot-too-far', message: `最多可预约 ${s.horizonDays} 天内的时段 / Slots can be booked up to ${s.horizonDays} days ahead` };
  }
  return null;
}

/** An owner may cancel or move an appointment that is still booked and whose slot has not begun. */
export function ownerMayChange(status: TAppointmentStatus, slotStart: Date, now: Date): boolean {
  return status === 'booked' && slotStart.getTime() > now.getTime();
}

/**
 * Why a car cannot be checked in now, or null: only an appointment that is booked — or was marked no-show and the
 * owner came late after all — and only on its own day (store time).
 */
export function checkInError(status: TAppointmentStatus, localDate: string, today: string): TRuleError | null {
  if (status === 'checked_in') return { code: 'already-checked-in', message: '该预约已办理到店 / Already checked in' };
  if (status === 'cancelled') return { code: 'appointment-cancelled', message: '该预约已取消 / This appointment was cancelled' };
  if (localDate !== today) {
    return { code: 'not-today', message: `预约日期是 ${localDate}，当天才能办理到店 / The appointment is on ${localDate}; check in on that day` };
  }
  return null;
}

/** Whether staff may mark an appointment a no-show at `now`: booked and its slot has begun. */
export function noShowError(status: TAppointmentStatus, slotStart: Date, now: Date): TRuleError | null {
  if (status !== 'booked') return { code: 'not-booked', message: '只有待到店的预约可以标记爽约 / Only a booked appointment can be marked a no-show' };
  if (slotStart.getTime() > now.getTime()) return { code: 'not-started', message: '预约时段还没开始 / The slot has not begun yet' };
  return null;
}
