import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, checkChar, formatCode, newCouponCode, normalizeCode, pointsForSpend, qualifyingTier } from './rules.js';

describe('coupon codes', () => {
  it('are 13 Crockford characters whose check character validates, also typed with dashes, spaces and lower case', () => {
    for (let i = 0; i < 200; i++) {
      const c = newCouponCode();
      expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{13}$/);
      expect(normalizeCode(formatCode(c).toLowerCase().replace('-', ' '))).toBe(c);
    }
  });

  it('catch every single-character typo', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 31 }), (pos, delta) => {
        const c = newCouponCode();
        const wrong = CODE_ALPHABET[(CODE_ALPHABET.indexOf(c[pos]!) + delta) % 32]!;
        expect(normalizeCode(c.slice(0, pos) + wrong + c.slice(pos + 1))).toBeNull();
      }),
    );
  });

  it('check character matches a known value', () => {
    expect(checkChar('000000000000')).toBe('0');
    expect(normalizeCode('0000-0000-0000-0')).toBe('0000000000000');
  });
});

describe('earn and tiers', () => {
  it('computes points per ¥ with multipliers, rounding down', () => {
    expect(pointsForSpend(123_456, 100)).toBe(1234);
    expect(pointsForSpend(123_456, 100, 200)).toBe(2469);
    expect(pointsForSpend(99, 100)).toBe(0);
  });

  it('picks the highest tier whose points, spend or referral threshold is met', () => {
    const tiers = [
      { code: 'explorer', rank: 0, minPoints12m: 0, minSpend12mFen: 0, minReferrals: 0 },
      { code: 'companion', rank: 1, minPoints12m: 3000, minSpend12mFen: 0, minReferrals: 1 },
      { code: 'co_creator', rank: 2, minPoints12m: 10000, minSpend12mFen: 0, minReferrals: 3 },
    ];
    expect(qualifyingTier(tiers, { points12m: 0, spend12mFen: 0, referrals: 0 }).code).toBe('explorer');
    expect(qualifyingTier(tiers, { points12m: 100, spend12mFen: 0, referrals: 1 }).code).toBe('companion');
    expect(qualifyingTier(tiers, { points12m: 12000, spend12mFen: 0, referrals: 0 }).code).toBe('co_creator');
  });
});
