/**
 * The car-loan calculator of the owner portal (DOMAIN.md, Portal): monthly payment for a price, down payment, annual
 * rate and term, by the equal-instalment method 等额本息 that Chinese banks and captive finance companies quote.
 * A pure function without dependencies, shared by the server (which records the use as a behaviour event) and the
 * portal screen (which computes as the owner types).
 *
 * Money is integer fen throughout. The monthly payment is rounded to the fen; the amortisation is then run in
 * integer fen (each month's interest rounded half-up), and the last instalment settles whatever rounding left over,
 * so that the payments add up exactly to principal + interest.
 */

/** Terms the screen offers (any whole number of months 1–120 is accepted). */
export const LOAN_TERMS = [12, 24, 36, 48, 60] as const;
/** Rates are accepted to 1/1000 of a percent (3.125%). */
export const LOAN_RATE_SCALE = 1000;
const RATE_SCALE = LOAN_RATE_SCALE;
export const LOAN_MAX_PRICE_FEN = 100_000_000_00; // ¥100,000,000
export const LOAN_MAX_RATE_PCT = 36;
/** The smallest amount financed (a smaller loan is no car loan, and its fen rounding would dominate). */
export const LOAN_MIN_PRINCIPAL_FEN = 1000_00;

/** What the calculator takes (validated by `ZLoanInput` in `portal.ts` on the API). */
export interface TLoanInput {
  priceFen: number;
  downPaymentFen: number;
  /** Annual nominal rate in percent, e.g. 3.5 for 3.5 %; 0 for an interest-free offer. */
  annualRatePct: number;
  termMonths: number;
}

export interface TLoanQuote {
  principalFen: number;
  /** What the owner pays every month (all months but possibly the last). */
  monthlyPaymentFen: number;
  /** The last instalment: the monthly payment ± the rounding of the schedule. */
  lastPaymentFen: number;
  totalInterestFen: number;
  /** Principal + interest (excluding the down payment). */
  totalRepaymentFen: number;
  termMonths: number;
}

/** `a * b / d` rounded half-up, exactly (bigint), for non-negative integers. */
function mulDivRound(a: number, b: number, d: number): number {
  const n = BigInt(a) * BigInt(b) * 2n + BigInt(d);
  return Number(n / (BigInt(d) * 2n));
}

/**
 * The equal-instalment quote: monthly payment M = P·r·(1+r)^n / ((1+r)^n − 1) with r the monthly rate (annual / 12);
 * with a zero rate, P / n. Throws a RangeError on input the API schema (`ZLoanInput`) would reject.
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
