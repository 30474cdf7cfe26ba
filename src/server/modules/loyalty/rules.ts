import crypto from 'node:crypto';

/** Crockford base 32: no I, L, O, U (nothing a cashier confuses when typing a code from a phone screen). */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = CODE_ALPHABET.length;
export const CODE_BODY_LENGTH = 12;

function luhnSum(values: number[], startFactor: 1 | 2): number {
  let f = startFactor;
  let s = 0;
  for (let i = values.length - 1; i >= 0; i--) {
    const a = f * values[i]!;
    f = f === 2 ? 1 : 2;
    s += Math.floor(a / N) + (a % N);
  }
  return s;
}

/** The Luhn mod 32 check character of a code body (catches every single typo and most swaps). */
export function checkChar(body: string): string {
  const values = [...body].map((c) => CODE_ALPHABET.indexOf(c));
  if (values.some((v) => v < 0)) throw new Error('not a code body');
  return CODE_ALPHABET[(N - (luhnSum(values, 2) % N)) % N]!;
}

/** A new coupon code: 60 random bits from the OS CSPRNG + check character (same algorithm as SQL `loyalty_coupon_code()`). */
export function newCouponCode(): string {
  const bytes = crypto.randomBytes(CODE_BODY_LENGTH);
  const body = [...bytes].map((b) => CODE_ALPHABET[b & 31]).join('');
  return body + checkChar(body);
}

/** What a cashier typed or a scanner read → the stored form (upper case, no dashes/spaces, I/L→1, O→0), or null if malformed. */
export function normalizeCode(input: string): string | null {
  const s = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (s.length !== CODE_BODY_LENGTH + 1 || ![...s].every((c) => CODE_ALPHABET.includes(c))) return null;
  return luhnSum([...s].map((c) => CODE_ALPHABET.indexOf(c)), 1) % N === 0 ? s : null;
}

/** `ABCD-EFGH-JKMN-P`: the code as printed. */
export function formatCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

/** A referral code: 8 Crockford characters (40 random bits), short enough to read out on the phone. */
export function newReferralCode(): string {
  return [...crypto.randomBytes(8)].map((b) => CODE_ALPHABET[b & 31]).join('');
}

/** Points for a spend: floor(¥ × rate × multiplier); `rateX100` 100 = 1 point per ¥, `factorX100` 200 = double. */
export function pointsForSpend(spendFen: number, rateX100: number, factorX100 = 100): number {
  return Math.floor((spendFen * rateX100 * factorX100) / (100 * 100 * 100));
}

/** Applies a multiplier to fixed points. */
export function multiplied(points: number, factorX100 = 100): number {
  return Math.floor((points * factorX100) / 100);
}

export interface TTierRule {
  code: string;
  rank: number;
  minPoints12m: number;
  minSpend12mFen: number;
  minReferrals: number;
}

export interface TQualifying {
  points12m: number;
  spend12mFen: number;
  referrals: number;
}

/**
 * The highest tier a customer qualifies for: the entry tier (rank 0) always; a higher one when points in 12 months
 * reach its threshold, or its spend or referral threshold (when set) is reached.
 */
export function qualifyingTier<T extends TTierRule>(tiers: T[], q: TQualifying): T {
  const sorted = [...tiers].sort((a, b) => b.rank - a.rank);
  const entry = sorted.at(-1)!;
  return (
    sorted.find(
      (t) =>
        t.rank === entry.rank ||
        (t.minPoints12m > 0 && q.points12m >= t.minPoints12m) ||
        (t.minSpend12mFen > 0 && q.spend12mFen >= t.minSpend12mFen) ||
        (t.minReferrals > 0 && q.referrals >= t.minReferrals),
    ) ?? entry
  );
}
