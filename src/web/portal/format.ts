import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { formatFen } from '../../contracts/money';
import type { TPortalLang } from './lang';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Times show in the owner's store's time zone (set by the shell from the owner's store). */
let tz = 'Asia/Shanghai';
export function setPortalTimezone(zone: string | null | undefined): void {
  tz = zone || 'Asia/Shanghai';
}

/** ¥1,234.56 (zh) / CN¥1,234.56 (en). */
export function money(fen: number | null | undefined, lang: TPortalLang): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—';
  return formatFen(Math.round(fen), lang);
}

/** ¥128,800 — whole yuan for big round figures. */
export function moneyShort(fen: number, lang: TPortalLang): string {
  const s = money(fen, lang);
  return s.endsWith('.00') ? s.slice(0, -3) : s;
}

export function km(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : `${n.toLocaleString('en-US')} km`;
}

/** Today in the store's time zone, `YYYY-MM-DD`. */
export function todayLocal(): string {
  return dayjs().tz(tz).format('YYYY-MM-DD');
}

/** `HH:mm` of an instant in store time. */
export function timeOf(at: string): string {
  return dayjs(at).tz(tz).format('HH:mm');
}

/** `11-24 09:30` (or `2025-11-24 09:30` in another year) in store time. */
export function dateTime(at: string | null | undefined): string {
  if (!at) return '—';
  const d = dayjs(at).tz(tz);
  return d.year() === dayjs().tz(tz).year() ? d.format('MM-DD HH:mm') : d.format('YYYY-MM-DD HH:mm');
}

export function dateOf(at: string | null | undefined): string {
  return at ? dayjs(at).tz(tz).format('YYYY-MM-DD') : '—';
}

/** Whole days from today (store time) to a calendar day; negative when past. */
export function daysUntil(day: string | null | undefined): number | null {
  if (!day) return null;
  return dayjs(day.slice(0, 10)).diff(dayjs(todayLocal()), 'day');
}

/** `11月25日 周三` / `Wed, Nov 25` for a calendar day. */
export function dayName(day: string, lang: TPortalLang): string {
  const d = dayjs(day.slice(0, 10)).locale(lang === 'en-US' ? 'en' : 'zh-cn');
  return lang === 'en-US' ? d.format('ddd, MMM D') : d.format('M月D日 ddd');
}

/** `周三` / `Wed`. */
export function weekdayShort(day: string, lang: TPortalLang): string {
  return dayjs(day.slice(0, 10)).locale(lang === 'en-US' ? 'en' : 'zh-cn').format('ddd');
}

/** `11/25` / `11/25`. */
export function monthDay(day: string): string {
  return dayjs(day.slice(0, 10)).format('M/D');
}

/** The hour of now in store time (greetings). */
export function localHour(): number {
  return dayjs().tz(tz).hour();
}
