import { yuanToFen } from '../../../contracts/validators.js';

/**
 * Cell values as the readers hand them over, and the parsers that turn one into a staging value. CSV cells are
 * always strings; xlsx cells may be numbers, booleans or Dates (exceljs turns date-formatted cells into a Date whose
 * UTC fields are the wall-clock time typed in Excel — spreadsheets have no time zones).
 */
export type Cell = string | number | boolean | Date | null | undefined;
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T = never>(reason: string): Parsed<T> => ({ ok: false, reason });

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Placeholders DMS exports write into empty cells. */
const EMPTY_MARKERS = new Set(['null', 'n/a', '#n/a', '-', '--', '/', '—']);

/** The trimmed text of a cell, or null when it is empty or an empty-cell placeholder. */
export function cellValue(c: Cell): string | null {
  if (c === null || c === undefined) return null;
  const s = (typeof c === 'string' ? c : cellText(c)).trim();
  if (s === '' || (s.length <= 4 && EMPTY_MARKERS.has(s.toLowerCase()))) return null;
  return s;
}

/** A cell as the user saw it in the file (sample rows, the error file). */
export function cellText(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') return c;
  if (typeof c === 'number') return String(c);
  if (typeof c === 'boolean') return c ? 'TRUE' : 'FALSE';
  const w = wallOfDate(c);
  if (!w) return '';
  return w.hh || w.mi || w.ss ? formatDateTime(w) : formatDate(w);
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/** A wall-clock date and time with no time zone; the store's zone is applied in SQL. */
export interface Wall {
  y: number;
  m: number;
  d: number;
  hh: number;
  mi: number;
  ss: number;
}

const MIN_YEAR = 1900;
const MAX_YEAR = 2100;
/** Excel's day 0 is 1899-12-30 (its 1900 leap-year bug makes serials below 61 ambiguous, and irrelevant here). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const MIN_SERIAL = 61;
const MAX_SERIAL = 73415; // 2100-12-31

const DATE_RE = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})\s*[:时點点]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:\.\d+)?)?\s*[分秒]?)?$/;
const COMPACT_RE = /^(\d{4})(\d{2})(\d{2})(?:[\sT]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?$/;
const SERIAL_RE = /^\d{2,5}(?:\.\d+)?$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysIn(y: number, m: number): number {
  return m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : MONTH_DAYS[m - 1]!;
}

function wall(y: number, m: number, d: number, hh = 0, mi = 0, ss = 0): Wall | null {
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) return null;
  if (hh > 23 || mi > 59 || ss > 59) return null;
  return { y, m, d, hh, mi, ss };
}

function wallOfDate(dt: Date): Wall | null {
  if (Number.isNaN(dt.getTime())) return null;
  return wall(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate(), dt.getUTCHours(), dt.getUTCMinutes(), dt.getUTCSeconds());
}

function wallOfSerial(n: number): Wall | null {
  if (!(n >= MIN_SERIAL && n < MAX_SERIAL + 1)) return null;
  // Round to the second: Excel stores times as fractions of a day, which rarely land exactly on one.
  return wallOfDate(new Date(EXCEL_EPOCH_MS + Math.round(n * 86_400) * 1000));
}

/**
 * Reads the date forms found in DMS exports: `2024-05-01`, `2024/5/1`, `2024.5.1`, `2024年5月1日`, `20240501`, each
 * with an optional time (`2024/5/1 14:30`, `2024-05-01T14:30:05`), Excel serial numbers (45413 = 2024-05-01, a
 * fraction is the time of day) and Excel date cells. Month/day-first forms (`5/1/2024`) are refused: ambiguous.
 */
export function parseWall(c: Cell): Wall | null {
  if (c === null || c === undefined || typeof c === 'boolean') return null;
  if (c instanceof Date) return wallOfDate(c);
  if (typeof c === 'number') {
    if (Number.isInteger(c) && c >= 19000101 && c <= 21001231) return wall(Math.floor(c / 10000), Math.floor(c / 100) % 100, c % 100);
    return wallOfSerial(c);
  }
  const fast = isoWall(c);
  if (fast !== undefined) return fast;
  const s = c.normalize('NFKC').trim();
  let m = DATE_RE.exec(s) ?? COMPACT_RE.exec(s);
  if (m) return wall(+m[1]!, +m[2]!, +m[3]!, m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0);
  m = SERIAL_RE.exec(s);
  if (m) return wallOfSerial(Number(s));
  return null;
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const isDigitAt = (s: string, i: number) => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9;
};

/**
 * The common case without regexes: `YYYY-MM-DD`, optionally followed by ` HH:MM` or ` HH:MM:SS` (what most DMS
 * exports write). Returns undefined when the text has another shape, so the general parser decides.
 */
function isoWall(s: string): Wall | null | undefined {
  const n = s.length;
  if ((n !== 10 && n !== 16 && n !== 19) || s[4] !== '-' || s[7] !== '-') return undefined;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) if (!isDigitAt(s, i)) return undefined;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const m = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  if (n === 10) return wall(y, m, d);
  if ((s[10] !== ' ' && s[10] !== 'T') || s[13] !== ':' || (n === 19 && s[16] !== ':')) return undefined;
  for (const i of n === 19 ? [11, 12, 14, 15, 17, 18] : [11, 12, 14, 15]) if (!isDigitAt(s, i)) return undefined;
  return wall(y, m, d, digit(s, 11) * 10 + digit(s, 12), digit(s, 14) * 10 + digit(s, 15), n === 19 ? digit(s, 17) * 10 + digit(s, 18) : 0);
}

export const formatDate = (w: Wall) => `${w.y}-${pad2(w.m)}-${pad2(w.d)}`;
export const formatDateTime = (w: Wall) => `${formatDate(w)} ${pad2(w.hh)}:${pad2(w.mi)}:${pad2(w.ss)}`;

const DATE_INVALID = '日期无法识别（如 2024-05-01、2024/5/1、20240501） / Unrecognised date (e.g. 2024-05-01, 2024/5/1, 20240501)';

/** A calendar date, `YYYY-MM-DD`; a time of day in the cell is ignored. */
export function parseDate(c: Cell): Parsed<string> {
  const w = parseWall(c);
  return w ? ok(formatDate(w)) : fail(DATE_INVALID);
}

/** A local date-time, `YYYY-MM-DD HH:MM:SS` (midnight when the cell has only a date). */
export function parseDateTime(c: Cell): Parsed<string> {
  const w = parseWall(c);
  return w ? ok(formatDateTime(w)) : fail(DATE_INVALID);
}

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

/**
 * A yuan amount → integer fen, with the shared `yuanToFen` rules (`¥1,234.56`, `1234.5元`, at most 2 decimals, not
 * negative). Numeric xlsx cells carry binary float noise (`199.99999999999997`): values within a millionth of a fen
 * of a whole fen are taken as that fen.
 */
export function parseYuan(c: Cell): Parsed<number> {
  if (typeof c === 'number') {
    if (!Number.isFinite(c)) return yuanToFen(c);
    const fen = Math.round(c * 100);
    if (Math.abs(c * 100 - fen) < 1e-6) return fen < 0 ? yuanToFen(c) : Number.isSafeInteger(fen) ? ok(fen) : yuanToFen(c);
    return yuanToFen(c);
  }
  if (typeof c === 'string') {
    const fen = plainYuanToFen(c);
    if (fen !== undefined) return ok(fen);
  }
  return yuanToFen(typeof c === 'string' ? c : cellText(c));
}

const PLAIN_YUAN = /^\d{1,13}(?:\.\d{1,2})?$/;

/**
 * `1234`, `1234.5`, `1234.56` → fen without the general parser (same result as `yuanToFen`, checked by a property
 * test); anything else → undefined. Thirteen integer digits keep the result far below 2^53.
 */
export function plainYuanToFen(s: string): number | undefined {
  if (!PLAIN_YUAN.test(s)) return undefined;
  const dot = s.indexOf('.');
  if (dot < 0) return Number(s) * 100;
  const frac = s.slice(dot + 1);
  return Number(s.slice(0, dot)) * 100 + Number(frac.length === 1 ? `${frac}0` : frac);
}

export const MAX_MILEAGE_KM = 2_000_000;
const KM_RE = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(万)?\s*(?:km|公里|千米)?$/i;
const KM_INVALID = '里程应为 0 至 2,000,000 之间的公里数 / Mileage must be a number of km between 0 and 2,000,000';

/** An odometer reading in whole km: `12345`, `12,345 km`, `12345公里`, `1.2万` (12,000); decimals are rounded. */
export function parseKm(c: Cell): Parsed<number> {
  let n: number;
  if (typeof c === 'number') n = c;
  else if (typeof c === 'string' && /^\d{1,7}$/.test(c)) n = Number(c);
  else {
    const m = KM_RE.exec(String(c ?? '').normalize('NFKC').trim());
    if (!m) return fail(KM_INVALID);
    n = Number(`${m[1]!.replace(/,/g, '')}.${m[2] ?? '0'}`) * (m[3] ? 10_000 : 1);
  }
  const km = Math.round(n);
  return Number.isFinite(n) && km >= 0 && km <= MAX_MILEAGE_KM ? ok(km) : fail(KM_INVALID);
}

// ---------------------------------------------------------------------------
// Enumerations and text
// ---------------------------------------------------------------------------

const key = (c: Cell) => String(c ?? '').normalize('NFKC').toLowerCase().replace(/\s+/g, '');

const GENDERS: Record<string, 'male' | 'female' | 'unknown'> = {
  男: 'male', 男性: 'male', 先生: 'male', m: 'male', male: 'male', man: 'male',
  女: 'female', 女性: 'female', 女士: 'female', f: 'female', female: 'female', woman: 'female',
  未知: 'unknown', 保密: 'unknown', 其他: 'unknown', u: 'unknown', unknown: 'unknown',
};

export function parseGender(c: Cell): Parsed<'male' | 'female' | 'unknown'> {
  const g = GENDERS[key(c)];
  return g ? ok(g) : fail('性别应为 男/女/未知 / Gender must be male, female or unknown');
}

export type TRoKindKey = 'first_service' | 'maintenance' | 'repair' | 'warranty' | 'accident' | 'recall' | 'inspection';

const RO_KIND_WORDS: Record<TRoKindKey, string[]> = {
  first_service: ['首保', '首次保养', '首次免费保养', '免费首保', 'firstservice', 'first_service'],
  maintenance: ['保养', '定保', '定期保养', '常规保养', '例行保养', '小保养', '大保养', '二保', 'maintenance', 'service', 'regularservice'],
  repair: ['维修', '一般维修', '普通维修', '机修', '机电维修', '电器维修', '小修', '大修', '返修', 'repair', 'generalrepair'],
  warranty: ['保修', '索赔', '三包', '质保', '保修索赔', '索赔维修', 'warranty', 'claim', 'warrantyclaim'],
  accident: ['事故', '事故车', '事故维修', '钣喷', '钣金', '喷漆', '钣金喷漆', '理赔', '保险理赔', 'accident', 'bodyshop', 'bodyandpaint'],
  recall: ['召回', '召回维修', '服务活动', 'recall'],
  inspection: ['检测', '检查', '车检', '年检', '检验', '免费检测', '安全检测', 'inspection', 'check'],
};
const RO_KINDS = new Map<string, TRoKindKey>(
  (Object.entries(RO_KIND_WORDS) as [TRoKindKey, string[]][]).flatMap(([k, words]) => words.map((w) => [w, k] as const)),
);

/** 首保/保养/维修/保修/事故/召回/检测 and their usual DMS variants → the repair-order kind. */
export function parseRoKind(c: Cell): Parsed<TRoKindKey> {
  const k = RO_KINDS.get(key(c));
  return k ? ok(k) : fail('维修类型应为 首保/保养/维修/保修/事故/召回/检测 / Type must be first service, maintenance, repair, warranty, accident, recall or inspection');
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function parseEmail(c: Cell): Parsed<string> {
  const s = String(c ?? '').normalize('NFKC').trim().toLowerCase();
  return s.length <= 200 && EMAIL_RE.test(s) ? ok(s) : fail('邮箱格式不正确 / Invalid email address');
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * An identity document number: a mainland 18-character resident ID (GB 11643 check character verified), an old
 * 15-digit one, or another document (passport, HK/Macau/Taiwan permit: 5–20 letters and digits).
 */
export function parseIdNumber(c: Cell): Parsed<string> {
  const s = String(c ?? '').normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  if (/^\d{17}[\dX]$/.test(s)) {
    const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(s[i]), 0);
    return ID_CHECK[sum % 11] === s[17] ? ok(s) : fail('身份证号校验位不正确 / ID number check character is wrong');
  }
  if (/^\d{15}$/.test(s) || (/^[A-Z0-9]{5,20}$/.test(s) && /[A-Z]/.test(s))) return ok(s);
  return fail('证件号码格式不正确 / Invalid ID number');
}

/** Words DMS exports put in the plate column of a car without one. */
const NO_PLATE = new Set(['无', '无牌', '未上牌', '临牌', '临时牌照', '暂无', '新车', '待上牌', '无车牌']);
export const isNoPlate = (s: string) => NO_PLATE.has(s.replace(/\s+/g, ''));

/** Text up to `max` characters (NUL bytes, which PostgreSQL text cannot hold, are removed). */
export function parseText(c: Cell, max: number): Parsed<string> {
  const s = String(c ?? '').replace(/\u0000/g, '').trim();
  return s.length <= max ? ok(s) : fail(`不能超过 ${max} 个字符 / At most ${max} characters`);
}

const DOC_NO_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
/** An order or RO number as the API accepts it: letters, digits, `-` and `_`, up to 40 characters. */
export function parseDocNo(c: Cell): Parsed<string> {
  const s = String(c ?? '').normalize('NFKC').trim();
  return DOC_NO_RE.test(s) ? ok(s) : fail('单号只能包含字母、数字、- 和 _，最多 40 位 / Letters, digits, - and _ only, at most 40');
}

const FAULT_SPLIT = /[\s,，;；、/|]+/;
const FAULT_RE = /^[A-Z0-9_-]{1,20}$/;
/** Fault codes (`P0301, U0100`) separated by commas, semicolons, 、 or spaces → upper-case codes. */
export function parseFaultCodes(c: Cell): Parsed<string[]> {
  const codes = String(c ?? '')
    .normalize('NFKC')
    .toUpperCase()
    .split(FAULT_SPLIT)
    .filter(Boolean);
  if (codes.length > 50 || !codes.every((x) => FAULT_RE.test(x))) return fail('故障码只能包含字母和数字，以逗号分隔 / Fault codes: letters and digits, comma-separated');
  return ok(codes);
}
