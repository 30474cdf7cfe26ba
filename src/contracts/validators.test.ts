import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import {
  VALIDATION_MESSAGES as M,
  VIN_ALPHABET,
  PLATE_PROVINCES,
  ZMobile,
  ZPlate,
  ZVin,
  ZYuanToFen,
  completeVin,
  formatFen,
  isNewEnergyPlate,
  maskMobile,
  mobileLast4,
  normalizeMobile,
  validatePlate,
  validateVin,
  vinCheckDigit,
  yuanToFen,
} from './validators.js';

/** ASCII digits, letters, + and - → full-width forms (what Chinese IMEs type in full-width mode). */
const fullWidth = (s: string): string =>
  s.replace(/[0-9A-Za-z+\-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

// ---------------------------------------------------------------------------
// Mobile
// ---------------------------------------------------------------------------

describe('normalizeMobile', () => {
  it.each([
    ['13812345678', '+8613812345678'],
    ['138 1234 5678', '+8613812345678'],
    ['138-1234-5678', '+8613812345678'],
    ['+86 138 1234 5678', '+8613812345678'],
    ['+86-138-1234-5678', '+8613812345678'],
    ['+86 (138) 1234-5678', '+8613812345678'],
    ['86-13812345678', '+8613812345678'],
    ['8613812345678', '+8613812345678'],
    ['008613812345678', '+8613812345678'],
    ['0086 138 1234 5678', '+8613812345678'],
    ['+8613812345678', '+8613812345678'],
    ['１３８１２３４５６７８', '+8613812345678'],
    ['＋８６ １３８－１２３４－５６７８', '+8613812345678'],
    ['  19912345678\t', '+8619912345678'],
    ['138\u20141234\u20145678', '+8613812345678'], // em dash from auto-correct
    ['+852 9123 4567', '+85291234567'], // Hong Kong
    ['00852 9123 4567', '+85291234567'],
    ['+853 6612 3456', '+85366123456'], // Macau
    ['+886 912 345 678', '+886912345678'], // Taiwan
    ['+1 415 555 2671', '+14155552671'],
  ])('accepts %j → %s', (input, expected) => {
    expect(normalizeMobile(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', M.mobileRequired],
    ['   ', M.mobileRequired],
    ['1381234567', M.mobileInvalid], // 10 digits
    ['138123456789', M.mobileInvalid], // 12 digits
    ['12812345678', M.mobileInvalid], // 12x is not a mobile range
    ['10812345678', M.mobileInvalid],
    ['23812345678', M.mobileInvalid],
    ['+86 10 1234 5678', M.mobileInvalid], // Beijing landline
    ['+86 12812345678', M.mobileInvalid],
    ['87 13812345678', M.mobileInvalid],
    ['138-1234-567a', M.mobileInvalidChars],
    ['138 1234 5678 ext 1', M.mobileInvalidChars],
    ['+', M.mobileInvalid],
    ['91234567', M.mobileInvalid], // HK number without country code
    ['+852 2123 4567', M.mobileInternational], // HK landline
    ['+886 2 2123 4567', M.mobileInternational], // Taipei landline
    ['+999 1234 5678', M.mobileInternational],
    ['1'.repeat(100), M.mobileInvalid],
  ])('rejects %j', (input, reason) => {
    expect(normalizeMobile(input)).toEqual({ ok: false, reason });
  });

  it('rejects non-string input from untyped callers', () => {
    expect(normalizeMobile(13812345678 as unknown as string).ok).toBe(false);
  });

  const mainlandNsn = fc
    .tuple(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/))
    .map(([second, rest]) => `1${second}${rest}`);

  /** Every way of writing a mainland number that must be accepted. */
  const formats: ReadonlyArray<(nsn: string) => string> = [
    (n) => n,
    (n) => `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`,
    (n) => `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`,
    (n) => `+86${n}`,
    (n) => `+86 ${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`,
    (n) => `86-${n}`,
    (n) => `86${n}`,
    (n) => `0086${n}`,
    (n) => `0086 ${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`,
    (n) => ` (+86) ${n} `,
  ];

  it('property: every generated 1[3-9]XXXXXXXXX in every accepted format → same E.164', () => {
    fc.assert(
      fc.property(mainlandNsn, fc.constantFrom(...formats), fc.boolean(), (nsn, format, wide) => {
        const written = wide ? fullWidth(format(nsn)) : format(nsn);
        expect(normalizeMobile(written)).toEqual({ ok: true, value: `+86${nsn}` });
      }),
    );
  });

  const phoneLike = fc.stringMatching(/^[+0-9 ()\-]{0,20}$/);

  it('property: idempotent (normalising the output again gives the same output)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          phoneLike,
          fc.string(),
          mainlandNsn.map((n) => `0086 ${n}`),
        ),
        (input) => {
          const first = normalizeMobile(input);
          if (first.ok) expect(normalizeMobile(first.value)).toEqual(first);
        },
      ),
    );
  });

  it('idempotent for international examples', () => {
    for (const input of [
      '+852 9123 4567',
      '+853 6612 3456',
      '+886 912 345 678',
      '+44 7911 123456',
    ]) {
      const first = normalizeMobile(input);
      expect(first.ok).toBe(true);
      if (first.ok) expect(normalizeMobile(first.value)).toEqual(first);
    }
  });
});

describe('maskMobile / mobileLast4', () => {
  it.each([
    ['+8613812345678', '138****5678'],
    ['138 1234 5678', '138****5678'],
    ['+85291234567', '+852 9***4567'],
    ['+85366123456', '+853 6***3456'],
    ['+886912345678', '+886 9****5678'],
    ['+14155552671', '+1 4*****2671'],
    ['not a phone 12345678', '****5678'],
    ['123', '***'],
    ['', ''],
  ])('maskMobile(%j) → %s', (input, expected) => {
    expect(maskMobile(input)).toBe(expected);
  });

  it('never reveals more than 7 digits of a valid mainland number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/), (d, rest) => {
        const masked = maskMobile(`+861${d}${rest}`);
        expect(masked).toMatch(/^1[3-9]\d\*{4}\d{4}$/);
      }),
    );
  });

  it.each([
    ['+8613812345678', '5678'],
    ['+852 9123 4567', '4567'],
    ['１３８１２３４５６７８', '5678'],
    ['123', ''],
  ])('mobileLast4(%j) → %j', (input, expected) => {
    expect(mobileLast4(input)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------
// VIN
// ---------------------------------------------------------------------------

/** Transliteration values, restated independently of the implementation. */
const TRANSLIT: Record<string, number> = Object.fromEntries([
  ...'0123456789'.split('').map((d) => [d, Number(d)] as const),
  ...'ABCDEFGH'.split('').map((c, i) => [c, i + 1] as const),
  ...'JKLMN'.split('').map((c, i) => [c, i + 1] as const),
  ['P', 7],
  ['R', 9],
  ...'STUVWXYZ'.split('').map((c, i) => [c, i + 2] as const),
]);

describe('VIN', () => {
  it.each([
    // Widely published sample VINs with correct check digits.
    ['1M8GDM9AXKP042788', '1M8GDM9AXKP042788'],
    ['11111111111111111', '11111111111111111'],
    ['1HGCM82633A004352', '1HGCM82633A004352'],
    ['1hgcm82633a004352', '1HGCM82633A004352'],
    [' 1HGC M826 33A0 04352 ', '1HGCM82633A004352'],
    ['１ＨＧＣＭ８２６３３Ａ００４３５２', '1HGCM82633A004352'],
  ])('accepts %j', (input, expected) => {
    expect(validateVin(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', M.vinRequired],
    ['1HGCM82633A00435', M.vinLength],
    ['1HGCM82633A0043521', M.vinLength],
    ['1HGCM82633A0O4352', M.vinForbiddenLetters],
    ['IHGCM82633A004352', M.vinForbiddenLetters],
    ['1HGCM82633A00435Q', M.vinForbiddenLetters],
    ['1HGCM82633A00435-', M.vinInvalidChars],
    ['1HGCM82633A00435é', M.vinInvalidChars],
    ['1HGCM82623A004352', M.vinCheckDigit],
    ['1M8GDM9A1KP042788', M.vinCheckDigit],
  ])('rejects %j', (input, reason) => {
    expect(validateVin(input)).toEqual({ ok: false, reason });
  });

  it('vinCheckDigit computes X for remainder 10 and ignores position 9', () => {
    expect(vinCheckDigit('1M8GDM9A_KP042788')).toBe('X');
    expect(vinCheckDigit('1HGCM826?3A004352')).toBe('3');
    expect(() => vinCheckDigit('1HGCM82633A00435')).toThrow(RangeError);
    expect(() => vinCheckDigit('1HGCM82633A00435O')).toThrow(RangeError);
  });

  it('completeVin inserts the check digit', () => {
    expect(completeVin('1HGCM826', '3A004352')).toBe('1HGCM82633A004352');
    expect(completeVin('lsvau233', '22123456')).toMatch(/^LSVAU233[0-9X]22123456$/);
    expect(() => completeVin('1HGCM82', '3A004352')).toThrow(RangeError);
    expect(() => completeVin('1HGCM82I', '3A004352')).toThrow(RangeError);
  });

  const vinPart = fc.string({ unit: fc.constantFrom(...VIN_ALPHABET), minLength: 8, maxLength: 8 });
  const validVin = fc.tuple(vinPart, vinPart).map(([a, b]) => completeVin(a, b));

  it('property: every VIN built by completeVin validates', () => {
    fc.assert(
      fc.property(validVin, (vin) => {
        expect(validateVin(vin)).toEqual({ ok: true, value: vin });
        expect(validateVin(vin.toLowerCase())).toEqual({ ok: true, value: vin });
      }),
    );
  });

  it('property: any single-character change is detected (invalid, or its check digit changes)', () => {
    fc.assert(
      fc.property(
        validVin,
        fc.integer({ min: 0, max: 16 }),
        fc.constantFrom(...VIN_ALPHABET),
        (vin, index, replacement) => {
          const original = vin.charAt(index);
          fc.pre(replacement !== original);
          // The scheme cannot see substitutions between characters that share
          // a transliteration value (A/J/1, B/K/S/2, …); see the test below.
          fc.pre(index === 8 || TRANSLIT[replacement] !== TRANSLIT[original]);
          const mutated = vin.slice(0, index) + replacement + vin.slice(index + 1);
          expect(validateVin(mutated).ok).toBe(false);
          if (index !== 8) expect(vinCheckDigit(mutated)).not.toBe(vin.charAt(8));
        },
      ),
    );
  });

  it('documents the scheme’s blind spot: same-value substitutions (A↔J↔1) go unnoticed', () => {
    const vin = completeVin('AAAAAAAA', 'AAAAAAAA');
    const mutated = `J${vin.slice(1)}`;
    expect(validateVin(mutated).ok).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// Plates
// ---------------------------------------------------------------------------

describe('validatePlate / isNewEnergyPlate', () => {
  it.each([
    ['京A12345', '京A·12345', false],
    ['京A·12345', '京A·12345', false],
    ['京a.12345', '京A·12345', false],
    ['京 A-12345', '京A·12345', false],
    ['沪ab123c', '沪A·B123C', false],
    ['粤B·D12345', '粤B·D12345', true],
    ['粤bd12345', '粤B·D12345', true],
    ['沪A·F12345', '沪A·F12345', true],
    ['沪AFA1234', '沪A·FA1234', true],
    ['京A·12345D', '京A·12345D', true],
    ['京A12345f', '京A·12345F', true],
    ['鲁B1234挂', '鲁B·1234挂', false],
    ['苏E·1234学', '苏E·1234学', false],
    ['京A·0001警', '京A·0001警', false],
    ['粤Z·1234港', '粤Z·1234港', false],
    ['粤Z1234澳', '粤Z·1234澳', false],
    ['川Ａ・１２３４５', '川A·12345', false], // full-width letters, katakana middle dot
    ['琼A D1234 5', '琼A·D12345', true],
    ['京AD1234', '京A·D1234', false], // 5-char serial with a letter: ordinary, not NEV
  ])('accepts %j → %s (new energy: %s)', (input, expected, nev) => {
    expect(validatePlate(input)).toEqual({ ok: true, value: expected });
    expect(isNewEnergyPlate(input)).toBe(nev);
  });

  it.each([
    ['', M.plateRequired],
    ['·', M.plateRequired],
    ['A12345', M.plateProvince],
    ['港A12345', M.plateProvince],
    ['京12345', M.plateAuthority],
    ['京I12345', M.plateAuthority],
    ['京O12345', M.plateAuthority],
    ['京A1234', M.plateInvalid], // too short
    ['京A1234567', M.plateInvalid], // too long
    ['京A1234I', M.plateInvalid], // I not used in serials
    ['京A12O45', M.plateInvalid],
    ['京A12345挂', M.plateInvalid], // suffix replaces the 5th character
    ['京A·12345X', M.plateInvalid], // large NEV must end in D or F
  ])('rejects %j', (input, reason) => {
    expect(validatePlate(input)).toEqual({ ok: false, reason });
  });

  it.each([
    '京A·DA123B', // NEV small: last 4 must be digits
    '京A·A12345', // 6 chars but no D/F at either end
    '京A·1234AD', // NEV large: first 5 must be digits
    '京A·D1234D', // small form requires the last 4 to be digits
  ])('rejects malformed 6-character serial %j', (input) => {
    expect(validatePlate(input)).toEqual({ ok: false, reason: M.plateInvalid });
    expect(isNewEnergyPlate(input)).toBe(false);
  });

  const serialChar = fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789');
  const digit = fc.constantFrom(...'0123456789');
  const str = (unit: fc.Arbitrary<string>, length: number) =>
    fc.string({ unit, minLength: length, maxLength: length });
  const serial = fc.oneof(
    str(serialChar, 5),
    fc
      .tuple(str(serialChar, 4), fc.constantFrom('挂', '学', '警', '港', '澳'))
      .map(([a, b]) => a + b),
    fc.tuple(fc.constantFrom('D', 'F'), serialChar, str(digit, 4)).map((p) => p.join('')),
    fc.tuple(str(digit, 5), fc.constantFrom('D', 'F')).map(([a, b]) => a + b),
  );
  const canonicalPlate = fc
    .tuple(
      fc.constantFrom(...PLATE_PROVINCES),
      fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'),
      serial,
    )
    .map(([p, a, s]) => `${p}${a}·${s}`);

  it('property: canonical plates validate to themselves (idempotent)', () => {
    fc.assert(
      fc.property(canonicalPlate, (plate) => {
        expect(validatePlate(plate)).toEqual({ ok: true, value: plate });
      }),
    );
  });

  it('property: idempotent on arbitrary input', () => {
    const plateish = fc.string({
      unit: fc.constantFrom(...'京粤沪abdfxDFio0123456789·.- 挂'),
      maxLength: 10,
    });
    fc.assert(
      fc.property(plateish, (input) => {
        const first = validatePlate(input);
        if (first.ok) expect(validatePlate(first.value)).toEqual(first);
      }),
    );
  });

  it('property: round-trips through separators, case and full width', () => {
    fc.assert(
      fc.property(
        canonicalPlate,
        fc.constantFrom('', '·', '.', '-', ' ', ' · '),
        fc.boolean(),
        fc.boolean(),
        (plate, sep, lower, wide) => {
          let written = plate.replace('·', sep);
          if (lower) written = written.toLowerCase();
          if (wide) written = fullWidth(written);
          expect(validatePlate(written)).toEqual({ ok: true, value: plate });
          expect(isNewEnergyPlate(written)).toBe(isNewEnergyPlate(plate));
        },
      ),
    );
  });
});

// ---------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------

describe('yuanToFen / formatFen', () => {
  it.each([
    ['¥1,234.56', 123456],
    ['￥1,234.56', 123456],
    ['CN¥1,234.56', 123456],
    ['RMB 1,234.56', 123456],
    ['1234.5', 123450],
    ['1234', 123400],
    ['1234元', 123400],
    ['  ¥ 0.01 ', 1],
    ['0', 0],
    ['1,234,567.89', 123456789],
    ['１２３４.５６', 123456],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
    [1234.56, 123456],
    [1234.5, 123450],
    [0, 0],
    [-0, 0],
    [0.07, 7],
  ] as const)('yuanToFen(%j) → %d', (input, fen) => {
    expect(yuanToFen(input)).toEqual({ ok: true, value: fen });
  });

  it.each([
    ['', M.moneyRequired],
    ['-1', M.moneyNegative],
    ['-¥1.00', M.moneyNegative],
    ['¥-1.00', M.moneyNegative],
    [-0.01, M.moneyNegative],
    ['1.234', M.moneyTooManyDecimals],
    ['1.230', M.moneyTooManyDecimals],
    [0.1 + 0.2, M.moneyTooManyDecimals],
    [1e-7, M.moneyTooManyDecimals],
    [NaN, M.moneyInvalid],
    [Infinity, M.moneyInvalid],
    ['abc', M.moneyInvalid],
    ['1,23,4', M.moneyInvalid],
    ['1.', M.moneyInvalid],
    ['.5', M.moneyInvalid],
    ['1e3', M.moneyInvalid],
    ['+5', M.moneyInvalid],
    ['90071992547409.92', M.moneyTooLarge],
    [1e21, M.moneyTooLarge],
  ] as const)('yuanToFen(%j) rejects', (input, reason) => {
    expect(yuanToFen(input)).toEqual({ ok: false, reason });
  });

  it.each([
    [123456, 'zh-CN', '¥1,234.56'],
    [123456, 'en-US', 'CN¥1,234.56'],
    [0, 'zh-CN', '¥0.00'],
    [5, 'zh-CN', '¥0.05'],
    [100000000, 'zh-CN', '¥1,000,000.00'],
    [-123456, 'zh-CN', '-¥1,234.56'],
  ] as const)('formatFen(%d, %s) → %s', (fen, locale, expected) => {
    expect(formatFen(fen, locale)).toBe(expected);
  });

  it('defaults to zh-CN and rejects non-integers', () => {
    expect(formatFen(123456)).toBe('¥1,234.56');
    expect(() => formatFen(1.5)).toThrow(RangeError);
    expect(() => formatFen(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });

  it('matches Intl.NumberFormat output for both locales', () => {
    for (const fen of [0, 1, 99, 123456, 987654321]) {
      for (const locale of ['zh-CN', 'en-US'] as const) {
        const intl = new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY' });
        expect(formatFen(fen, locale)).toBe(intl.format(fen / 100));
      }
    }
  });

  it('property: yuanToFen(formatFen(x)) === x for non-negative safe integers', () => {
    fc.assert(
      fc.property(
        fc.maxSafeNat(),
        fc.constantFrom('zh-CN', 'en-US') as fc.Arbitrary<'zh-CN' | 'en-US'>,
        (fen, locale) => {
          expect(yuanToFen(formatFen(fen, locale))).toEqual({ ok: true, value: fen });
        },
      ),
    );
  });

  it('property: numeric yuan with ≤ 2 decimals converts exactly', () => {
    // Bounded so that doubles are still spaced finer than 0.01 yuan.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e14 }), (fen) => {
        expect(yuanToFen(fen / 100)).toEqual({ ok: true, value: fen });
      }),
    );
  });
});

// ---------------------------------------------------------------------------
// zod schemas
// ---------------------------------------------------------------------------

describe('zod schemas', () => {
  it('ZMobile transforms to E.164 and reports the bilingual reason', () => {
    expect(ZMobile.parse('138 1234 5678')).toBe('+8613812345678');
    const bad = ZMobile.safeParse('12345');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe(M.mobileInvalid);
    expect(ZMobile.safeParse(42).error?.issues[0]?.message).toBe(M.mobileInvalid);
  });

  it('ZVin normalises and rejects bad check digits', () => {
    expect(ZVin.parse('1hgcm82633a004352')).toBe('1HGCM82633A004352');
    expect(ZVin.safeParse('1HGCM82623A004352').error?.issues[0]?.message).toBe(M.vinCheckDigit);
  });

  it('ZPlate normalises', () => {
    expect(ZPlate.parse('粤bd12345')).toBe('粤B·D12345');
    expect(ZPlate.safeParse('港A12345').error?.issues[0]?.message).toBe(M.plateProvince);
  });

  it('ZYuanToFen parses strings and numbers to fen', () => {
    expect(ZYuanToFen.parse('¥1,234.56')).toBe(123456);
    expect(ZYuanToFen.parse(12.3)).toBe(1230);
    expect(ZYuanToFen.safeParse('-1').error?.issues[0]?.message).toBe(M.moneyNegative);
  });

  it('schemas compose inside objects', () => {
    const Customer = z.object({ mobile: ZMobile, plate: ZPlate, vin: ZVin.optional() });
    expect(Customer.parse({ mobile: '+86 139 0000 0000', plate: '京a12345' })).toEqual({
      mobile: '+8613900000000',
      plate: '京A·12345',
    });
  });
});
