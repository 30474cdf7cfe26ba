/** Locales the UI ships; both use ',' grouping and '.' decimals. */
export type MoneyLocale = 'zh-CN' | 'en-US';

/**
 * Format integer fen as a CNY amount with two decimals and thousands commas.
 *
 * - `'zh-CN'` (default): `¥1,234.56`
 * - `'en-US'`: `CN¥1,234.56` — `¥` alone means JPY to English readers; this
 *   matches what `Intl.NumberFormat('en-US', { currency: 'CNY' })` prints.
 *
 * Negative values (refunds, adjustments) get a leading `-`. Implemented by
 * hand rather than with Intl so the output is identical in every browser/ICU
 * build and always round-trips through `yuanToFen` (validators.ts) (for fen ≥ 0).
 *
 * @throws RangeError if `fen` is not a safe integer.
 */
export function formatFen(fen: number, locale: MoneyLocale = 'zh-CN'): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fen must be a safe integer, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  const symbol = locale === 'en-US' ? 'CN¥' : '¥';
  return `${sign}${symbol}${yuan}.${cents}`;
}
