import { z } from 'zod';

/**
 * The car-loan calculator of the owner portal (DOMAIN.md, Portal): monthly payment for a price, down payment, annual
 * rate and term, by the equal-instalment method 等额本息 that Chinese banks and captive finance companies quote.
 * A pure function shared by the server (which records the use as a behaviour event) and the portal screen.
 *
 * Money is integer fen throughout. The monthly payment is rounded to the fen; the amortisation is then run in
 * integer fen (each month's interest rounded half-up), and the last instalment settles whatever rounding left over,
 * so that the payments add up exactly to principal + interest.
 */

/** Terms the screen offers (any whole number of months 1–120 is accepted). */
export const LOAN_TERMS = [12, 24, 36, 48, 60] as const;
/** Rates are accepted to 1/1000 of a percent (3.125%). */
const RATE_SCALE = 1000;
export const LOAN_MAX_PRICE_FEN = 100_000_000_00; // ¥100,000,000
export const LOAN_MAX_RATE_PCT = 36;
/** The smallest amount financed (a smaller loan is no car loan, and its fen rounding would dominate). */
export const LOAN_MIN_PRINCIPAL_FEN = 1000_00;

export const ZLoanInput = z
  .object({
    priceFen: z.number().int().min(1).max(LOAN_MAX_PRICE_FEN),
    downPaymentFen: z.number().int().min(0).max(LOAN_MAX_PRICE_FEN),
    /** Annual nominal rate in percent, e.g. 3.5 for 3.5 %; 0 for an interest-free offer. */
    annualRatePct: z
      .number()
      .min(0)
      .max(LOAN_MAX_RATE_PCT)
      .refine((r) => Math.abs(r * RATE_SCALE - Math.round(r * RATE_SCALE)) < 1e-6, '利率最多保留三位小数 / At most three decimals'),
    termMonths: z.number().int().min(1).max(120),
  })
  .refine((v) => v.downPaymentFen <= v.priceFen, { message: '首付不能高于车价 / The down payment cannot exceed the price', path: ['downPaymentFen'] })
  .refine((v) => v.downPaymentFen > v.priceFen || v.priceFen - v.downPaymentFen === 0 || v.priceFen - v.downPaymentFen >= LOAN_MIN_PRINCIPAL_FEN, {
    message: '贷款金额至少 ¥1,000 / The loan must be at least ¥1,000',
    path: ['downPaymentFen'],
  });
export type TLoanInput = z.infer<typeof ZLoanInput>;

export const ZLoanQuote = z.object({
  principalFen: z.number().int(),
  /** What the owner pays every month (all months but possibly the last). */
  monthlyPaymentFen: z.number().int(),
  /** The last instalment: the monthly payment ± the rounding of the schedule. */
  lastPaymentFen: z.number().int(),
  totalInterestFen: z.number().int(),
  /** Principal + interest (excluding the down payment). */
  totalRepaymentFen: z.number().int(),
  termMonths: z.number().int(),
});
export type TLoanQuote = z.infer<typeof ZLoanQuote>;

/** `a * b / d` rounded half-up, exactly (bigint), for non-negative integers. */
function mulDivRound(a: number, b: number, d: number): number {
  const n = BigInt(a) * BigInt(b) * 2n + BigInt(d);
  return Number(n / (BigInt(d) * 2n));
}

/**
 * The equal-instalment quote: monthly payment M = P·r·(1+r)^n / ((1+r)^n − 1) with r the monthly rate (annual / 12);
 * with a zero rate, P / n. Throws a RangeError on input {@link ZLoanInput} would reject.
 */
export function loanQuote(input: TLoanInput): TLoanQuote {
  const { priceFen, downPaymentFen, annualRatePct, termMonths: n } = input;
  if (!Number.isSafeInteger(priceFen) || !Number.isSafeInteger(downPaymentFen) || downPaymentFen < 0 || downPaymentFen > priceFen) {
    throw new RangeError('invalid price or down payment');
  }
  if (!Number.isInteger(n) || n < 1 || n > 120) throw new RangeError('invalid term');
  if (!(annualRatePct >= 0 && annualRatePct <= LOAN_MAX_RATE_PCT)) throw new RangeError('invalid rate');
  const principal = priceFen - downPaymentFen;
  if (principal !== 0 && principal < LOAN_MIN_PRINCIPAL_FEN) throw new RangeError('loan below the minimum');
  // The monthly rate as an exact fraction: ratePm / (100 · 1000 · 12).
  const ratePm = Math.round(annualRatePct * RATE_SCALE);
  const denom = 100 * RATE_SCALE * 12;
  let monthly: number;
  if (ratePm === 0) {
    // Rounded down, so the last instalment (which settles the rest) is never smaller than the others.
    monthly = Math.floor(principal / n);
  } else {
    const r = ratePm / denom;
    const g = Math.pow(1 + r, n);
    monthly = Math.round((principal * r * g) / (g - 1));
  }
  // Amortise in integer fen; the last month pays off the remaining balance with its interest.
  let balance = principal;
  let interestTotal = 0;
  let last = monthly;
  for (let k = 1; k <= n; k++) {
    const interest = ratePm === 0 ? 0 : mulDivRound(balance, ratePm, denom);
    interestTotal += interest;
    if (k === n) {
      last = balance + interest;
      balance = 0;
    } else {
      balance -= monthly - interest;
    }
  }
  return {
    principalFen: principal,
    monthlyPaymentFen: n === 1 ? last : monthly,
    lastPaymentFen: last,
    totalInterestFen: interestTotal,
    totalRepaymentFen: principal + interestTotal,
    termMonths: n,
  };
}
