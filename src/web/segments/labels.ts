/**
 * Words for the derived facts in the UI language: option labels (from the contract's `{value, zh, en}` lists), the
 * trade-in reasons (stored in Chinese by the facts run, translated here for English screens) and countdowns.
 */
import type { TLang } from '../i18n';

export interface TOption {
  value: string;
  zh: string;
  en: string;
}

/** The label of an option value in a language; the value itself when unknown. */
export function optionText(list: readonly TOption[], value: string | null | undefined, lang: TLang): string {
  if (value === null || value === undefined) return '';
  const o = list.find((x) => x.value === value);
  return o ? (lang === 'en-US' ? o.en : o.zh) : value;
}

/** `{zh, en}` → the text for a language. */
export const pick = (l: { zh: string; en: string } | undefined, lang: TLang): string => (l ? (lang === 'en-US' ? l.en : l.zh) : '');

const REASONS: { re: RegExp; en: (m: RegExpMatchArray) => string }[] = [
  { re: /^车龄 ([\d.]+) 年$/, en: (m) => `Car age ${m[1]} years` },
  { re: /^预计 ([\d,]+) km$/, en: (m) => `Est. ${m[1]} km` },
  { re: /^6 个月内维修 (\d+) 次$/, en: (m) => `${m[1]} ${m[1] === '1' ? 'repair' : 'repairs'} in 6 months` },
  { re: /^浏览新车 (\d+) 次$/, en: (m) => `Viewed new models ${m[1]} ${m[1] === '1' ? 'time' : 'times'}` },
  { re: /^申请估价 (\d+) 次$/, en: (m) => `${m[1]} valuation ${m[1] === '1' ? 'request' : 'requests'}` },
  { re: /^标签：(.+)$/, en: (m) => `Tag: ${m[1]!.replace(/、/g, ', ')}` },
];

/**
 * One trade-in reason as the facts run writes it ("车龄 5.2 年", "预计 86,000 km", "6 个月内维修 3 次", "浏览新车 2 次",
 * "申请估价 1 次", "标签：置换意向") in the UI language. Tag names stay as staff wrote them.
 */
export function tradeInReasonText(reason: string, lang: TLang): string {
  if (lang !== 'en-US') return reason;
  for (const r of REASONS) {
    const m = reason.match(r.re);
    if (m) return r.en(m);
  }
  return reason;
}

/** The reasons joined for display: "车龄 5.2 年 · 预计 86,000 km". */
export function tradeInSummaryText(reasons: readonly string[], lang: TLang): string {
  return reasons.map((r) => tradeInReasonText(r, lang)).join(' · ');
}

/** Colour of a trade-in score: the closer to 100, the warmer (each ≥ 4.5:1 on white, WCAG AA). */
export function scoreColor(score: number): string {
  if (score >= 80) return '#cf1322';
  if (score >= 60) return '#ad4e00';
  if (score >= 40) return '#876800';
  return '#595959';
}

export const STAGE_COLOR: Record<string, string> = { prospect: 'default', new_owner: 'green', regular: 'blue', replacement: 'volcano' };
export const TIER_COLOR: Record<string, string> = { high_value: 'gold', regular: 'default', potential: 'cyan' };
export const CHURN_COLOR: Record<string, string> = { low: 'green', medium: 'orange', high: 'red' };
export const NEED_COLOR: Record<string, string> = { family: 'magenta', business: 'geekblue', young: 'purple' };

/** Fen → yuan for an input (integer fen to a number of yuan, cents kept). */
export const fenToYuan = (fen: number | null | undefined): number | null => (fen === null || fen === undefined ? null : fen / 100);
/** Yuan from an input → integer fen. */
export const yuanToFen = (yuan: number | null | undefined): number | null => (yuan === null || yuan === undefined ? null : Math.round(yuan * 100));
