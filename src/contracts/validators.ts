/**
 * Pure validators/normalisers shared by the server and the web app.
 *
 * Everything here must stay runtime-neutral (no Node built-ins, no DOM): the
 * same module is bundled into the browser and imported by the API so that a
 * value accepted by a form is byte-for-byte what the server stores.
 *
 * Every validator returns a {@link ValidationResult} instead of throwing, so
 * callers (forms, CSV import, API) can collect reasons without try/catch.
 * Reasons are Chinese-first bilingual strings (`中文 / English`) because the
 * primary users are dealership staff; the English half helps HQ and logs.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import { z } from 'zod';

// NOTE on the libphonenumber bundle: 'libphonenumber-js/mobile' exposes the
// same API as '/min' (same core, different metadata, ~99 kB vs ~83 kB raw)
// but its metadata only treats *mobile* number ranges as valid. With '/min',
// Hong Kong/Macau/Taiwan landlines (+852 2123 4567) pass validation, which
// would let landlines into a field we use for SMS. Swap the import to
// 'libphonenumber-js/min' if bundle size ever matters more than that.

/** Outcome of every validator in this module. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): ValidationResult<T> => ({ ok: true, value });
const fail = <T = never>(reason: string): ValidationResult<T> => ({ ok: false, reason });

/**
 * All user-facing failure reasons, exported so UIs/tests can compare against
 * them instead of duplicating literals.
 */
export const VALIDATION_MESSAGES = {
  mobileRequired: '请输入手机号 / Mobile number is required',
  mobileInvalid: '手机号格式不正确 / Invalid mobile number',
  mobileInvalidChars: '手机号包含无效字符 / Mobile number contains invalid characters',
  mobileInternational:
    '境外手机号无效或不受支持 / Invalid or unsupported international mobile number',
  vinRequired: '请输入车架号（VIN） / VIN is required',
  vinLength: '车架号必须为 17 位 / VIN must be exactly 17 characters',
  vinForbiddenLetters: '车架号不能包含字母 I、O、Q / VIN must not contain the letters I, O or Q',
  vinInvalidChars: '车架号只能包含字母和数字 / VIN may contain only letters and digits',
  vinCheckDigit: '车架号校验位（第 9 位）不正确 / VIN check digit (9th character) is wrong',
  plateRequired: '请输入车牌号 / Plate number is required',
  plateProvince: '车牌省份简称不正确 / Unknown province abbreviation on plate',
  plateAuthority: '车牌发牌机关代号不正确 / Invalid issuing-authority letter on plate',
  plateInvalid: '车牌号格式不正确 / Invalid plate number',
  moneyRequired: '请输入金额 / Amount is required',
  moneyInvalid: '金额格式不正确 / Invalid amount',
  moneyNegative: '金额不能为负数 / Amount must not be negative',
  moneyTooManyDecimals: '金额最多保留两位小数 / Amount may have at most 2 decimal places',
  moneyTooLarge: '金额过大 / Amount is too large',
} as const;

const M = VALIDATION_MESSAGES;

/**
 * NFKC folds full-width forms typed with Chinese IMEs (１３８, ＋, －, （）,
 * ｖｉｎ, ￥, ideographic space) into their ASCII equivalents, so every
 * parser below only has to deal with ASCII.
 */
const fold = (input: string): string => input.normalize('NFKC');

// ---------------------------------------------------------------------------
// Mobile numbers
// ---------------------------------------------------------------------------

/** Mainland China mobile, national significant number (11 digits). */
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/**
 * Characters people put between digit groups. Unicode dashes are included
 * because word processors and some IMEs auto-convert '-' into them.
 */
const MOBILE_SEPARATORS = /[\s\-.()\u2010-\u2015\u2212]/g;

/** Generous upper bound so pathological input is rejected before any work. */
const MOBILE_MAX_INPUT = 40;

/**
 * Normalise a mobile number to E.164.
 *
 * Accepted:
 * - mainland numbers (11 digits, `1[3-9]…`) with or without `+86` / `86` /
 *   `0086`, with spaces, hyphens, dots or parentheses, full-width digits;
 * - other countries/regions only with an explicit international prefix
 *   (`+` or `00`), validated against libphonenumber's *mobile* ranges
 *   (e.g. `+852 9123 4567`, `+853 6612 3456`, `+886 912 345 678`).
 *
 * +86 numbers are checked with our own mainland rule rather than
 * libphonenumber, so landlines/service numbers under +86 are rejected and new
 * 1[3-9] ranges work without a metadata update.
 *
 * Idempotent: normalising a returned value yields the same value.
 *
 * @example normalizeMobile('138-1234-5678') // { ok: true, value: '+8613812345678' }
 */
export function normalizeMobile(input: string): ValidationResult<string> {
  // Guard against untyped JS callers (CSV import, query strings).
  if (typeof input !== 'string') return fail(M.mobileInvalid);
  const trimmed = fold(input).trim();
  if (trimmed === '') return fail(M.mobileRequired);
  if (trimmed.length > MOBILE_MAX_INPUT) return fail(M.mobileInvalid);

  const compact = trimmed.replace(MOBILE_SEPARATORS, '');
  // '00' is the international call prefix dialled from China, so 0086…/00852…
  // mean the same as +86…/+852…. No mainland number starts with 0, so this
  // cannot be confused with a domestic number.
  const international = compact.startsWith('+')
    ? compact.slice(1)
    : compact.startsWith('00')
      ? compact.slice(2)
      : null;
  const digits = international ?? compact;
  if (!/^\d+$/.test(digits)) {
    return fail(digits === '' ? M.mobileInvalid : M.mobileInvalidChars);
  }

  if (international === null) {
    if (MAINLAND_MOBILE.test(digits)) return ok(`+86${digits}`);
    // "86-138…" without '+': unambiguous because mainland mobiles start with 1.
    if (digits.startsWith('86') && MAINLAND_MOBILE.test(digits.slice(2))) {
      return ok(`+${digits}`);
    }
    return fail(M.mobileInvalid);
  }

  // Country calling codes are prefix-free, so a leading 86 can only be China.
  if (digits.startsWith('86')) {
    return MAINLAND_MOBILE.test(digits.slice(2)) ? ok(`+${digits}`) : fail(M.mobileInvalid);
  }

  const parsed = parsePhoneNumberFromString(`+${digits}`);
  if (!parsed || !parsed.isValid()) return fail(M.mobileInternational);
  return ok(parsed.number);
}

/**
 * Mask a mobile number for display (lists, SMS previews, logs).
 *
 * - +86 numbers: national format with digits 4–7 hidden: `138****5678`.
 * - Other numbers: `+<country code> ` followed by the national number with
 *   only its first digit and (up to) its last 4 digits visible, at least three
 *   digits hidden: `+852 9***5678`, `+886 9****5678`, `+1 4*****2671`.
 * - Input that is not a recognisable mobile is never echoed back: all but the
 *   last 4 digits are masked (`*******5678`), or everything if ≤ 4 digits.
 *
 * Accepts any format {@link normalizeMobile} accepts, not only E.164.
 */
export function maskMobile(e164: string): string {
  const normalised = normalizeMobile(e164);
  if (normalised.ok) {
    const value = normalised.value;
    if (value.startsWith('+86')) {
      const national = value.slice(3);
      return `${national.slice(0, 3)}****${national.slice(7)}`;
    }
    const parsed = parsePhoneNumberFromString(value);
    if (parsed) return `+${parsed.countryCallingCode} ${maskMiddle(parsed.nationalNumber)}`;
  }
  const digits = digitsOf(e164);
  const tail = digits.length > 4 ? digits.slice(-4) : '';
  return '*'.repeat(digits.length - tail.length) + tail;
}

/** Keep the first digit and up to the last 4, hiding at least 3 in between. */
function maskMiddle(national: string): string {
  const tailLength = Math.min(4, Math.max(0, national.length - 4));
  const hidden = national.length - 1 - tailLength;
  return national.slice(0, 1) + '*'.repeat(hidden) + national.slice(national.length - tailLength);
}

function digitsOf(input: string): string {
  return typeof input === 'string' ? fold(input).replace(/\D/g, '') : '';
}

/**
 * Last 4 digits of a phone number (used for caller verification and as a
 * search key that does not expose the full number). Non-digits are ignored;
 * returns `''` when fewer than 4 digits are present.
 */
export function mobileLast4(e164: string): string {
  const digits = digitsOf(e164);
  return digits.length >= 4 ? digits.slice(-4) : '';
}

// ---------------------------------------------------------------------------
// VIN (ISO 3779 / GB 16735 with the North-American check digit)
// ---------------------------------------------------------------------------

/** Transliteration table for the check digit. I, O, Q never occur in VINs. */
const VIN_VALUES: Readonly<Record<string, number>> = (() => {
  const table: Record<string, number> = {};
  for (let d = 0; d <= 9; d++) table[String(d)] = d;
  // prettier-ignore
  const letters: ReadonlyArray<readonly [string, number]> = [
    ['A', 1], ['B', 2], ['C', 3], ['D', 4], ['E', 5], ['F', 6], ['G', 7], ['H', 8],
    ['J', 1], ['K', 2], ['L', 3], ['M', 4], ['N', 5], ['P', 7], ['R', 9],
    ['S', 2], ['T', 3], ['U', 4], ['V', 5], ['W', 6], ['X', 7], ['Y', 8], ['Z', 9],
  ];
  for (const [letter, value] of letters) table[letter] = value;
  return table;
})();

/** Position weights; position 9 (the check digit itself) has weight 0. */
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2] as const;

const VIN_CHARS = /^[A-HJ-NPR-Z0-9]+$/;

/** Characters that may appear anywhere in a VIN (ISO 3779: no I, O, Q). */
export const VIN_ALPHABET = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';

/** Upper-case, full-width-folded, whitespace removed. */
const normaliseVinInput = (input: string): string => fold(input).replace(/\s+/g, '').toUpperCase();

/**
 * Compute the check digit (`'0'`–`'9'` or `'X'`) of a 17-character VIN.
 * The 9th character is ignored (weight 0), so any placeholder may be there.
 *
 * @throws RangeError if the input is not 17 characters or contains
 *   characters outside {@link VIN_ALPHABET} (other than at position 9).
 */
export function vinCheckDigit(vin17: string): string {
  const vin = normaliseVinInput(vin17);
  if (vin.length !== 17) throw new RangeError(`VIN must be 17 characters, got ${vin.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    if (i === 8) continue;
    const value = VIN_VALUES[vin.charAt(i)];
    if (value === undefined) {
      throw new RangeError(`Invalid VIN character '${vin.charAt(i)}' at position ${i + 1}`);
    }
    sum += value * VIN_WEIGHTS[i]!;
  }
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

/**
 * Build a valid VIN from its first 8 (WMI + VDS) and last 8 (VIS)
 * characters by inserting the computed check digit. Meant for demo data,
 * fixtures and tests.
 *
 * @throws RangeError on wrong lengths or characters outside {@link VIN_ALPHABET}.
 * @example completeVin('LSVAU233', '22123456') // 'LSVAU233?22123456' with ? computed
 */
export function completeVin(first8: string, last8: string): string {
  const head = normaliseVinInput(first8);
  const tail = normaliseVinInput(last8);
  if (head.length !== 8 || tail.length !== 8) {
    throw new RangeError('completeVin expects exactly 8 + 8 characters');
  }
  // '0' is a placeholder; vinCheckDigit ignores position 9.
  return `${head}${vinCheckDigit(`${head}0${tail}`)}${tail}`;
}

/**
 * Validate and normalise a VIN: folds full-width characters, removes
 * whitespace, upper-cases, requires 17 characters from {@link VIN_ALPHABET}
 * and a correct 9th-position check digit.
 *
 * The check digit is optional in ISO 3779 but mandatory for vehicles
 * registered in China (GB 16735), which is all this CRM deals with, so it is
 * always enforced. The model-year (10th) character is deliberately not
 * checked.
 */
export function validateVin(input: string): ValidationResult<string> {
  if (typeof input !== 'string') return fail(M.vinInvalidChars);
  const vin = normaliseVinInput(input);
  if (vin === '') return fail(M.vinRequired);
  if (vin.length !== 17) return fail(M.vinLength);
  // Check I/O/Q separately: it's the commonest misreading (0↔O, 1↔I) and
  // deserves a specific message.
  if (/[IOQ]/.test(vin)) return fail(M.vinForbiddenLetters);
  if (!VIN_CHARS.test(vin)) return fail(M.vinInvalidChars);
  if (vin.charAt(8) !== vinCheckDigit(vin)) return fail(M.vinCheckDigit);
  return ok(vin);
}

// ---------------------------------------------------------------------------
// Chinese licence plates (GA 36)
// ---------------------------------------------------------------------------

/** Province-level abbreviations that can start a civilian plate. */
// prettier-ignore
export const PLATE_PROVINCES = [
  '京', '津', '沪', '渝', '冀', '豫', '云', '辽', '黑', '湘', '皖', '鲁', '新', '苏', '浙', '赣',
  '鄂', '桂', '甘', '晋', '蒙', '陕', '吉', '闽', '贵', '粤', '青', '藏', '川', '宁', '琼',
] as const;

export type PlateProvince = (typeof PLATE_PROVINCES)[number];

const PROVINCE_SET: ReadonlySet<string> = new Set(PLATE_PROVINCES);

/**
 * Separators people type between the prefix and the serial: the official
 * middle dot and its look-alikes (•, ・, ‧), '.', '-', '_' and whitespace.
 * NFKC has already turned full-width variants into these.
 */
const PLATE_SEPARATORS = /[\s\u00B7\u2022\u2027\u30FB.\-_]/g;

/**
 * Issuing-authority letter: A–Z without I and O, which GA 36 avoids because
 * they read as 1 and 0 (O only existed on pre-2007 police plates).
 */
const PLATE_AUTHORITY = /^[A-HJ-NP-Z]$/;
// Serial characters never use I or O for the same reason.
const ORDINARY_SERIAL = /^[A-HJ-NP-Z0-9]{5}$/;
/** 挂 trailer, 学 learner, 警 police, 港/澳 Hong Kong/Macau cross-border. */
const SUFFIXED_SERIAL = /^[A-HJ-NP-Z0-9]{4}[挂学警港澳]$/;
/** New-energy, small vehicle: D (battery EV) / F (non-BEV) first, e.g. D12345, DA1234. */
const NEV_SMALL_SERIAL = /^[DF][A-HJ-NP-Z0-9]\d{4}$/;
/** New-energy, large vehicle: D/F last, e.g. 12345D. */
const NEV_LARGE_SERIAL = /^\d{5}[DF]$/;

/**
 * Validate and normalise a mainland Chinese plate to `京A·12345` form
 * (province + authority letter + `·` + serial, letters upper-case).
 *
 * Accepts input with or without `·`/`.`/`-`/spaces, lower case and
 * full-width letters/digits. Supported: ordinary blue/yellow plates (5-char
 * serial), plates ending in 挂/学/警/港/澳, and new-energy green plates
 * (6-char serial: `D`/`F` first for small vehicles, last for large ones).
 * Military, embassy (使/领) and other special series are out of scope.
 *
 * Idempotent: normalising a returned value yields the same value.
 */
export function validatePlate(input: string): ValidationResult<string> {
  if (typeof input !== 'string') return fail(M.plateInvalid);
  const compact = fold(input).replace(PLATE_SEPARATORS, '').toUpperCase();
  if (compact === '') return fail(M.plateRequired);

  const chars = Array.from(compact);
  const province = chars[0] ?? '';
  const authority = chars[1] ?? '';
  const serial = chars.slice(2).join('');
  if (!PROVINCE_SET.has(province)) return fail(M.plateProvince);
  if (!PLATE_AUTHORITY.test(authority)) return fail(M.plateAuthority);
  if (
    !ORDINARY_SERIAL.test(serial) &&
    !SUFFIXED_SERIAL.test(serial) &&
    !NEV_SMALL_SERIAL.test(serial) &&
    !NEV_LARGE_SERIAL.test(serial)
  ) {
    return fail(M.plateInvalid);
  }
  return ok(`${province}${authority}·${serial}`);
}

/**
 * Whether a plate is a new-energy (green, 8-character) plate.
 * Accepts any input {@link validatePlate} accepts; invalid plates → `false`.
 */
export function isNewEnergyPlate(normalised: string): boolean {
  const result = validatePlate(normalised);
  if (!result.ok) return false;
  const serial = result.value.slice(result.value.indexOf('·') + 1);
  return NEV_SMALL_SERIAL.test(serial) || NEV_LARGE_SERIAL.test(serial);
}

// ---------------------------------------------------------------------------
// Money (CNY, stored as integer fen = 1/100 yuan)
// ---------------------------------------------------------------------------

/** Currency markers accepted in front of an amount (after NFKC: ￥ → ¥). */
const MONEY_PREFIX = /^(?:CN¥|¥|CNY|RMB)\s*/i;
/** Plain digits, or digits grouped strictly in thousands; optional fraction. */
const MONEY_NUMBER = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;
const MONEY_MAX_INPUT = 64;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Parse a yuan amount into integer fen.
 *
 * Strings: optional `¥`/`￥`/`CN¥`/`CNY`/`RMB` prefix and `元` suffix,
 * optional thousands commas (must be correctly grouped), at most 2 decimals:
 * `¥1,234.56` → 123456, `1234.5` → 123450, `1234` → 123400.
 * Numbers: must be finite; parsed from their shortest decimal representation,
 * so `0.1 + 0.2` is rejected rather than silently rounded.
 *
 * Rejects negatives, more than 2 decimals, NaN/∞, and results above
 * `Number.MAX_SAFE_INTEGER` fen. Arithmetic is done on decimal strings with
 * BigInt, so there is no floating-point rounding.
 */
export function yuanToFen(input: string | number): ValidationResult<number> {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return fail(M.moneyInvalid);
    if (input < 0) return fail(M.moneyNegative);
    text = String(input);
    // String() switches to exponent notation below 1e-6 and from 1e21.
    if (/e/i.test(text)) return fail(input >= 1 ? M.moneyTooLarge : M.moneyTooManyDecimals);
  } else if (typeof input === 'string') {
    text = fold(input).trim();
  } else {
    return fail(M.moneyInvalid);
  }

  if (text === '') return fail(M.moneyRequired);
  if (text.length > MONEY_MAX_INPUT) return fail(M.moneyInvalid);
  // A sign may come before or after the currency marker ("-¥5", "¥-5").
  if (/^[-\u2212]/.test(text)) return fail(M.moneyNegative);
  text = text.replace(MONEY_PREFIX, '').replace(/\s*元$/, '');
  if (/^[-\u2212]/.test(text)) return fail(M.moneyNegative);

  const match = MONEY_NUMBER.exec(text);
  if (!match) return fail(M.moneyInvalid);
  const integerPart = match[1]!.replace(/,/g, '');
  const fraction = match[2] ?? '';
  if (fraction.length > 2) return fail(M.moneyTooManyDecimals);

  const fen = BigInt(integerPart) * 100n + BigInt(fraction.padEnd(2, '0'));
  if (fen > MAX_SAFE) return fail(M.moneyTooLarge);
  return ok(Number(fen));
}

// Money formatting lives in ./money.ts (no dependencies, so the owner portal can use it without this file).
export { formatFen, type MoneyLocale } from './money.js';

// ---------------------------------------------------------------------------
// zod schemas
// ---------------------------------------------------------------------------

/**
 * Turn a validator into a zod string schema whose output is the normalised
 * value and whose error message is the validator's bilingual reason.
 * (Schemas with transforms describe their *input* in JSON Schema; generate
 * OpenAPI with `io: 'input'` for request bodies.)
 */
function fromValidator<T>(validate: (input: string) => ValidationResult<T>, typeMessage: string) {
  return z.string({ error: typeMessage }).transform((input, ctx): T => {
    const result = validate(input);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.reason });
    return z.NEVER;
  });
}

/** Any accepted mobile format → E.164 string (e.g. `+8613812345678`). */
export const ZMobile = fromValidator(normalizeMobile, M.mobileInvalid);

/** VIN → normalised 17-character upper-case VIN with a verified check digit. */
export const ZVin = fromValidator(validateVin, M.vinInvalidChars);

/** Plate → normalised `京A·12345` form. */
export const ZPlate = fromValidator(validatePlate, M.plateInvalid);

/** Yuan amount (string such as `¥1,234.56`, or number) → integer fen. */
export const ZYuanToFen = z
  .union([z.string(), z.number()], { error: M.moneyInvalid })
  .transform((input, ctx): number => {
    const result = yuanToFen(input);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.reason });
    return z.NEVER;
  });
