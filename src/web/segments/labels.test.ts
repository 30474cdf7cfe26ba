import { describe, expect, it } from 'vitest';
import { LIFECYCLE_STAGES } from '../../contracts/facts';
import { fenToYuan, optionText, tradeInReasonText, tradeInSummaryText, yuanToFen } from './labels';

describe('trade-in reasons in words', () => {
  const reasons = ['车龄 5.2 年', '预计 86,000 km', '6 个月内维修 3 次', '浏览新车 2 次', '申请估价 1 次', '标签：置换意向、价格敏感'];

  it('stay as written on a Chinese screen', () => {
    expect(tradeInSummaryText(reasons, 'zh-CN')).toBe('车龄 5.2 年 · 预计 86,000 km · 6 个月内维修 3 次 · 浏览新车 2 次 · 申请估价 1 次 · 标签：置换意向、价格敏感');
  });

  it('read as English on an English screen, singular and plural right', () => {
    expect(reasons.map((r) => tradeInReasonText(r, 'en-US'))).toEqual([
      'Car age 5.2 years',
      'Est. 86,000 km',
      '3 repairs in 6 months',
      'Viewed new models 2 times',
      '1 valuation request',
      'Tag: 置换意向, 价格敏感',
    ]);
    expect(tradeInReasonText('6 个月内维修 1 次', 'en-US')).toBe('1 repair in 6 months');
  });

  it('leaves a reason it does not know as it is', () => {
    expect(tradeInReasonText('新的原因', 'en-US')).toBe('新的原因');
  });
});

describe('option labels and money', () => {
  it('label a value in the UI language and fall back to the value', () => {
    expect(optionText(LIFECYCLE_STAGES, 'replacement', 'zh-CN')).toBe('置换客户');
    expect(optionText(LIFECYCLE_STAGES, 'replacement', 'en-US')).toBe('Replacement');
    expect(optionText(LIFECYCLE_STAGES, 'unknown', 'en-US')).toBe('unknown');
    expect(optionText(LIFECYCLE_STAGES, null, 'en-US')).toBe('');
  });

  it('converts yuan and fen without float drift', () => {
    expect(yuanToFen(10000)).toBe(1_000_000);
    expect(yuanToFen(0.1 + 0.2)).toBe(30);
    expect(fenToYuan(1_234_567)).toBe(12345.67);
    expect(yuanToFen(null)).toBeNull();
  });
});
