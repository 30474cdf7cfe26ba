import { describe, expect, it } from 'vitest';
import { currentLang, localize, setLang } from './index';
import { enUS, zhCN } from './resources';

/** Every leaf string of a resource tree with its dotted key. */
function leaves(tree: object, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v as object, `${prefix}${k}.`)));
}

// Words a Chinese dealership screen uses as they are: units, model/body codes, file formats, brands, and the CX
// measures everyone in the trade calls by their English initials (NPS, CSAT, SLA).
const LATIN_ALLOWED = new Set(['PDI', 'SUV', 'MPV', 'DMS', 'API', 'IP', 'ID', 'km', 'MB', 'Excel', 'xlsx', 'csv', 'NPS', 'CSAT', 'SLA', 'ms', 'QR', 'VIN']);
const CJK = /[\u3400-\u9fff]/;

describe('console resources', () => {
  it('Chinese texts carry no English words, so nothing English shows on a Chinese screen', () => {
    const offenders = leaves(zhCN).filter(([, text]) => (text.replace(/\{\{\w+\}\}|<\/?\w+>/g, '').match(/[A-Za-z]{2,}/g) ?? []).some((w) => !LATIN_ALLOWED.has(w)));
    expect(offenders).toEqual([]);
  });

  it('English texts carry no Chinese characters', () => {
    expect(leaves(enUS).filter(([, text]) => CJK.test(text))).toEqual([]);
  });

  it('both languages have the same keys and no empty text', () => {
    expect(leaves(enUS).map(([k]) => k)).toEqual(leaves(zhCN).map(([k]) => k));
    expect([...leaves(zhCN), ...leaves(enUS)].filter(([, v]) => v.trim() === '')).toEqual([]);
  });

  it('keeps interpolation placeholders identical across languages', () => {
    const vars = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort().join(',');
    const en = new Map(leaves(enUS));
    expect(leaves(zhCN).filter(([k, v]) => vars(v) !== vars(en.get(k) ?? ''))).toEqual([]);
  });
});

describe('localize', () => {
  it('shows the half of a bilingual server message for the UI language', () => {
    expect(localize('手机号已存在 / Mobile already exists', 'zh-CN')).toBe('手机号已存在');
    expect(localize('手机号已存在 / Mobile already exists', 'en-US')).toBe('Mobile already exists');
  });

  it('leaves a one-language message and a bare slash alone', () => {
    expect(localize('用户名或密码错误', 'en-US')).toBe('用户名或密码错误');
    expect(localize('A/B 测试', 'zh-CN')).toBe('A/B 测试');
  });

  it('follows the current language', async () => {
    await setLang('en-US');
    expect(currentLang()).toBe('en-US');
    expect(localize('请先登录 / Please sign in')).toBe('Please sign in');
    await setLang('zh-CN');
    expect(localize('请先登录 / Please sign in')).toBe('请先登录');
  });
});
