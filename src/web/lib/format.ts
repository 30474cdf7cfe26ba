import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { formatFen as formatFenRaw } from '../../contracts/validators';
import { currentLang } from '../i18n';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Business time zone for showing instants; the shell sets it from the user's store (default Asia/Shanghai). */
let displayTz = 'Asia/Shanghai';
export function setDisplayTimezone(tz: string | null | undefined): void {
  displayTz = tz || 'Asia/Shanghai';
}
export function getDisplayTimezone(): string {
  return displayTz;
}

/** ¥1,234.56 (zh) / CN¥1,234.56 (en); '—' for missing values. */
export function money(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—';
  return formatFenRaw(Math.round(fen), currentLang());
}

/** Whole yuan, for compact places (price bands): ¥128,800. */
export function moneyShort(fen: number | null | undefined): string {
  const full = money(fen);
  return full.endsWith('.00') ? full.slice(0, -3) : full;
}

/** An instant (ISO string or Date) in the business time zone: 2026-03-08 14:05. */
export function dateTime(at: string | Date | null | undefined): string {
  if (!at) return '—';
  return dayjs(at).tz(displayTz).format('YYYY-MM-DD HH:mm');
}

/** The calendar day of an instant in the business time zone. */
export function dayOf(at: string | Date | null | undefined): string {
  if (!at) return '—';
  return dayjs(at).tz(displayTz).format('YYYY-MM-DD');
}

/** A calendar date already in `YYYY-MM-DD` form (birthday, purchase date) is shown as it is. */
export function date(d: string | null | undefined): string {
  return d ? d.slice(0, 10) : '—';
}

/** Today in the business time zone, `YYYY-MM-DD`. */
export function today(): string {
  return dayjs().tz(displayTz).format('YYYY-MM-DD');
}

/** Whole days from today to a calendar date (negative when past). */
export function daysUntil(d: string | null | undefined): number | null {
  if (!d) return null;
  return dayjs(d).diff(dayjs(today()), 'day');
}

export function km(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return `${n.toLocaleString('en-US')} km`;
}

export function integer(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n.toLocaleString('en-US');
}

export { dayjs };
