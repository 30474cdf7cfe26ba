import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../i18n';
import { date, dateTime, dayOf, km, money, moneyShort, setDisplayTimezone } from './format';

afterEach(async () => {
  setDisplayTimezone('Asia/Shanghai');
  await setLang('zh-CN');
});

describe('money', () => {
  it('shows fen as yuan with thousands separators, ¥ in Chinese and CN¥ in English', async () => {
    expect(money(1234500)).toBe('¥12,345.00');
    expect(moneyShort(15880000)).toBe('¥158,800');
    expect(moneyShort(174050)).toBe('¥1,740.50');
    await setLang('en-US');
    expect(money(1234500)).toBe('CN¥12,345.00');
  });

  it('shows a dash for a missing amount', () => {
    expect(money(null)).toBe('—');
    expect(money(undefined)).toBe('—');
  });
});

describe('dates', () => {
  // Tests run with TZ=UTC: the business day must still be the Shanghai one.
  it('shows an instant in the store time zone, not the browser one', () => {
    expect(dateTime('2026-01-01T16:30:00.000Z')).toBe('2026-01-02 00:30');
    expect(dayOf('2026-01-01T16:30:00.000Z')).toBe('2026-01-02');
  });

  it('follows the store time zone the shell sets', () => {
    setDisplayTimezone('Asia/Urumqi');
    expect(dateTime('2026-01-01T16:30:00.000Z')).toBe('2026-01-01 22:30');
  });

  it('shows calendar dates as they are and a dash when missing', () => {
    expect(date('1991-06-01')).toBe('1991-06-01');
    expect(date(null)).toBe('—');
    expect(dateTime(null)).toBe('—');
  });

  it('formats mileage with separators', () => {
    expect(km(23456)).toBe('23,456 km');
    expect(km(null)).toBe('—');
  });
});
