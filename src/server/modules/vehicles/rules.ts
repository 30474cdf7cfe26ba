import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);
dayjs.extend(timezone);

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

/** The calendar date (`YYYY-MM-DD`) an instant falls on in a store's time zone. */
export function localDate(at: Date, tz: string = DEFAULT_TIMEZONE): string {
  return dayjs(at).tz(tz).format('YYYY-MM-DD');
}

/**
 * How far ahead of the server clock a client-supplied instant may be: staff phones and DMS servers drift a little,
 * but a milestone or an RO dated an hour from now is a typing mistake.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export function isInFuture(at: Date, now: Date): boolean {
  return at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS;
}

/** `brand series name` of a catalogue model, the label every screen shows for a car. */
export function modelDisplayName(m: { brand: string | null; series: string | null; name: string | null }): string | null {
  if (!m.brand && !m.series && !m.name) return null;
  return [m.brand, m.series, m.name].filter(Boolean).join(' ');
}

export interface TVehicleDates {
  purchaseDate?: string | null;
  deliveryDate?: string | null;
  lastMileageAt?: string | null;
}

/**
 * Date rules a vehicle record must satisfy: purchase, delivery and the mileage reading are facts, so none may be
 * after `today` (the store's local date); a car is not delivered before it is bought. Insurance expiry and warranty
 * end are contract dates and may lie in the future (the schema bounds them). Returns one entry per broken rule.
 */
export function vehicleDateErrors(d: TVehicleDates, today: string): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  const future = (field: keyof TVehicleDates, zh: string, en: string) => {
    const v = d[field];
    if (v && v > today) errors.push({ path: `body.${field}`, message: `${zh}不能晚于今天 / ${en} cannot be in the future` });
  };
  future('purchaseDate', '购车日期', 'Purchase date');
  future('deliveryDate', '交车日期', 'Delivery date');
  future('lastMileageAt', '里程记录日期', 'Mileage reading date');
  if (d.purchaseDate && d.deliveryDate && d.deliveryDate < d.purchaseDate) {
    errors.push({ path: 'body.deliveryDate', message: '交车日期不能早于购车日期 / Delivery date cannot be before the purchase date' });
  }
  return errors;
}

/** Whether an odometer reading should become the vehicle's last known mileage (odometers only go up). */
export function isNewerMileage(lastKnownKm: number | null, readingKm: number): boolean {
  return lastKnownKm === null || readingKm > lastKnownKm;
}

/** Escapes `%`, `_` and `\` so user input matches literally inside a LIKE pattern. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
