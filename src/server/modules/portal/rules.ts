import crypto from 'node:crypto';
import { PORTAL_CODE_LENGTH } from '../../../contracts/portal.js';

/** A sign-in code lives 5 minutes and dies after 5 wrong tries. */
export const CODE_TTL_MS = 5 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
/** A new code for the same number no sooner than this. */
export const CODE_RESEND_SECONDS = 60;

export interface TRateLimit {
  perMinute: number;
  perHour: number;
}
/**
 * Code requests per mobile and per client address. An address allows more than a number: several owners share a
 * carrier-grade NAT address, but a script walking through numbers from one address stops quickly.
 */
export const CODE_RATE_LIMITS: { mobile: TRateLimit; ip: TRateLimit } = {
  mobile: { perMinute: 1, perHour: 5 },
  ip: { perMinute: 5, perHour: 30 },
};

export const SESSION_DAYS = 30;
/** `last_seen_at` is written at most this often per session. */
export const SEEN_EVERY_MS = 5 * 60_000;

/** A uniformly random 6-digit code (leading zeros kept). */
export function generateCode(): string {
  return String(crypto.randomInt(0, 10 ** PORTAL_CODE_LENGTH)).padStart(PORTAL_CODE_LENGTH, '0');
}

/** A keyed hash of a code with its row's salt: the stored value never gives the code back without the key. */
export function hashCode(key: string, salt: string, code: string): Buffer {
  return crypto.createHmac('sha256', key).update(`${salt}:${code}`).digest();
}

/** The mobile as the codes table keeps it: a hash (the number itself is not needed to count and match requests). */
export function mobileKey(e164: string): string {
  return crypto.createHash('sha256').update(`portal-mobile:${e164}`).digest('hex');
}

export const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/**
 * Constant-time comparison of a stored code hash with a submitted one. A row without a hash (a number that is nobody's)
 * still costs one comparison, against a dummy, and never matches.
 */
export function codesMatch(stored: Buffer | null, submitted: Buffer): boolean {
  const against = stored && stored.length === submitted.length ? stored : Buffer.alloc(submitted.length);
  return crypto.timingSafeEqual(against, submitted) && stored !== null;
}

/**
 * Seconds to wait before another request is allowed, given the times of the earlier (accepted) requests of the last
 * hour: 0 when allowed. A request is refused while `perMinute` requests fall within the last minute or `perHour`
 * within the last hour; the wait ends when the oldest of those leaves its window.
 */
export function waitSeconds(times: Date[], limit: TRateLimit, now: Date): number {
  const t = now.getTime();
  const sorted = times.map((x) => x.getTime()).sort((a, b) => a - b);
  const inMinute = sorted.filter((x) => t - x < 60_000 && x <= t);
  const inHour = sorted.filter((x) => t - x < 3_600_000 && x <= t);
  let wait = 0;
  if (limit.perMinute > 0 && inMinute.length >= limit.perMinute) wait = Math.max(wait, inMinute[inMinute.length - limit.perMinute]! + 60_000 - t);
  if (limit.perHour > 0 && inHour.length >= limit.perHour) wait = Math.max(wait, inHour[inHour.length - limit.perHour]! + 3_600_000 - t);
  return Math.ceil(wait / 1000);
}

/** "请 40 秒后再试" / "请 12 分钟后再试", bilingual. */
export function waitMessage(seconds: number): string {
  if (seconds < 120) return `获取验证码太频繁，请 ${seconds} 秒后再试 / Too many code requests, try again in ${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return `获取验证码太频繁，请 ${minutes} 分钟后再试 / Too many code requests, try again in ${minutes} minutes`;
}

/** The text of the sign-in SMS (the gate fills in the store's name). */
export function codeSmsBody(code: string): string {
  return `【{{门店名称}}】您的车主端登录验证码是 ${code}，${CODE_TTL_MS / 60_000} 分钟内有效。请勿告诉他人；如非本人操作，请忽略本短信。`;
}
