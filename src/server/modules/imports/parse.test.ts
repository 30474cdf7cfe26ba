import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { yuanToFen } from '../../../contracts/validators.js';
import { cellText, cellValue, parseDate, parseDateTime, parseFaultCodes, parseGender, parseIdNumber, parseKm, parseRoKind, parseYuan, plainYuanToFen } from './parse.js';

const value = <T>(r: { ok: true; value: T } | { ok: false; reason: string }) => (r.ok ? r.value : `ERR ${r.reason}`);

describe('dates', () => {
  it.each([
    ['2024-05-01', '2024-05-01'],
    ['2024/5/1', '2024-05-01'],
    ['2024.05.01', '2024-05-01'],
    ['2024年5月1日', '2024-05-01'],
    ['20240501', '2024-05-01'],
    [' 2024-05-01 ', '2024-05-01'],
    ['２０２４－０５－０１', '2024-05-01'],
    ['45413', '2024-05-01'], // Excel serial as text
    [45413, '2024-05-01'], // Excel serial number cell
    [45413.75, '2024-05-01'], // with a time of day: still that date
    [20240501, '2024-05-01'], // a yyyymmdd number cell
    [new Date(Date.UTC(2024, 4, 1)), '2024-05-01'], // Excel date cell (UTC fields = wall time)
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
  ] as const)('%s → %s', (input, expected) => {
    expect(value(parseDate(input))).toBe(expected);
  });

  it.each(['2024-02-30', '2023-02-29', '1900-02-29', '2024-13-01', '2024-00-10', '5/1/2024', '01-05-2024', 'yesterday', '2024-05', '1899-12-31', '2101-01-01', '0', '99999999'])(
    '%s is refused with a reason',
    (input) => {
      const r = parseDate(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/日期.*\/ Unrecognised date/);
    },
  );

  it.each([
    ['2024-05-01', '2024-05-01 00:00:00'],
    ['2024-05-01 14:30', '2024-05-01 14:30:00'],
    ['2024-05-01T14:30:05', '2024-05-01 14:30:05'],
    ['2024/5/1 8:05', '2024-05-01 08:05:00'],
    ['2024/5/1 8:05:09', '2024-05-01 08:05:09'],
    ['2024年5月1日 14时30分', '2024-05-01 14:30:00'],
    ['20240501 1430', '2024-05-01 14:30:00'],
    [45413.75, '2024-05-01 18:00:00'],
    [new Date(Date.UTC(2024, 4, 1, 9, 15, 0)), '2024-05-01 09:15:00'],
  ] as const)('date-time %s → %s', (input, expected) => {
    expect(value(parseDateTime(input))).toBe(expected);
  });

  it('refuses impossible times', () => {
    expect(parseDateTime('2024-05-01 24:00').ok).toBe(false);
    expect(parseDateTime('2024-05-01 12:60').ok).toBe(false);
  });
});

describe('amounts', () => {
  it.each([
    ['1234', 123400],
    ['1234.5', 123450],
    ['1234.56', 123456],
    ['¥1,234.56', 123456],
    ['￥1,234.56', 123456],
    ['1,234.56元', 123456],
    ['RMB 88', 8800],
    ['0', 0],
    [1234.56, 123456],
    [199.99999999999997, 20000], // binary float noise from an xlsx cell
    [0.1 + 0.2, 30], // 0.30000000000000004 is 30 fen, not a refusal
  ] as const)('%s yuan → %s fen', (input, fen) => {
    expect(value(parseYuan(input))).toBe(fen);
  });

  it.each([
    ['-50', '不能为负数'],
    [-50, '不能为负数'],
    ['12.345', '两位小数'],
    [12.345, '两位小数'],
    ['1,23.4', '格式不正确'],
    ['abc', '格式不正确'],
  ] as const)('%s is refused (%s)', (input, reason) => {
    const r = parseYuan(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('the plain-decimal fast path agrees with yuanToFen', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,13}(\.\d{1,2})?$/), (s) => {
        const shared = yuanToFen(s);
        expect(shared.ok).toBe(true);
        expect(plainYuanToFen(s)).toBe(shared.ok ? shared.value : NaN);
      }),
    );
    expect(plainYuanToFen('1,234')).toBeUndefined();
    expect(plainYuanToFen('1.234')).toBeUndefined();
  });
});

describe('mileage', () => {
  it.each([
    ['12345', 12345],
    ['12,345', 12345],
    ['12345 km', 12345],
    ['12345公里', 12345],
    ['1.2万', 12000],
    ['12345.6', 12346],
    [12345, 12345],
    ['0', 0],
  ] as const)('%s → %s km', (input, km) => {
    expect(value(parseKm(input))).toBe(km);
  });

  it.each(['-1', '2000001', 'abc', '12km34'])('%s is refused', (input) => {
    expect(parseKm(input).ok).toBe(false);
  });
});

describe('enumerations', () => {
  it.each([
    ['男', 'male'],
    ['女士', 'female'],
    ['F', 'female'],
    ['Male', 'male'],
    ['未知', 'unknown'],
  ] as const)('gender %s → %s', (input, g) => {
    expect(value(parseGender(input))).toBe(g);
  });

  it.each([
    ['首保', 'first_service'],
    ['定期保养', 'maintenance'],
    ['保养', 'maintenance'],
    ['一般维修', 'repair'],
    ['索赔', 'warranty'],
    ['保修', 'warranty'],
    ['钣喷', 'accident'],
    ['事故车', 'accident'],
    ['召回', 'recall'],
    ['年检', 'inspection'],
    ['Maintenance', 'maintenance'],
  ] as const)('RO type %s → %s', (input, kind) => {
    expect(value(parseRoKind(input))).toBe(kind);
  });

  it('refuses an unknown RO type with the allowed values', () => {
    const r = parseRoKind('洗车美容');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('首保/保养/维修/保修/事故/召回/检测');
  });
});

describe('identity numbers and fault codes', () => {
  it('checks the resident ID check character', () => {
    expect(value(parseIdNumber('11010519491231002x'))).toBe('11010519491231002X');
    expect(parseIdNumber('110105194912310021').ok).toBe(false);
    expect(value(parseIdNumber('E12345678'))).toBe('E12345678'); // passport
    expect(parseIdNumber('12-34').ok).toBe(false);
  });

  it('splits fault codes on the separators DMS exports use', () => {
    expect(value(parseFaultCodes('p0301, U0100；B1234、c0035'))).toEqual(['P0301', 'U0100', 'B1234', 'C0035']);
    expect(parseFaultCodes('P0301 发动机失火').ok).toBe(false);
  });
});

describe('cells', () => {
  it('treats DMS empty-cell placeholders as empty', () => {
    expect(cellValue('  ')).toBeNull();
    expect(cellValue('NULL')).toBeNull();
    expect(cellValue('#N/A')).toBeNull();
    expect(cellValue('-')).toBeNull();
    expect(cellValue(' 0 ')).toBe('0');
    expect(cellValue('Nullarbor')).toBe('Nullarbor');
  });

  it('shows cells as the user saw them', () => {
    expect(cellText(new Date(Date.UTC(2024, 4, 1)))).toBe('2024-05-01');
    expect(cellText(new Date(Date.UTC(2024, 4, 1, 9, 5)))).toBe('2024-05-01 09:05:00');
    expect(cellText(12.5)).toBe('12.5');
    expect(cellText(null)).toBe('');
  });
});
