import { describe, expect, it } from 'vitest';
import { portalTexts } from './i18n';

/** Every leaf string of a text tree with its dotted key. */
function leaves(tree: object, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v as object, `${prefix}${k}.`)));
}

// Words a Chinese owner screen uses as they are: units and the delivery check's name.
const LATIN_ALLOWED = new Set(['PDI', 'km']);
const CJK = /[\u3400-\u9fff]/;
const zh = portalTexts.zh;
const en = portalTexts.en;

describe('portal texts', () => {
  it('Chinese texts carry no English words', () => {
    const offenders = leaves(zh).filter(([, text]) => (text.replace(/\{\{\w+\}\}/g, '').match(/[A-Za-z]{2,}/g) ?? []).some((w) => !LATIN_ALLOWED.has(w)));
    expect(offenders).toEqual([]);
  });

  it('English texts carry no Chinese characters', () => {
    expect(leaves(en).filter(([, text]) => CJK.test(text))).toEqual([]);
  });

  it('both languages have the same keys, no empty text and the same placeholders', () => {
    expect(leaves(en).map(([k]) => k)).toEqual(leaves(zh).map(([k]) => k));
    expect([...leaves(zh), ...leaves(en)].filter(([, v]) => v.trim() === '')).toEqual([]);
    const vars = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort().join(',');
    const enMap = new Map(leaves(en));
    expect(leaves(zh).filter(([k, v]) => vars(v) !== vars(enMap.get(k) ?? ''))).toEqual([]);
  });

  it('names every workshop stage, delivery milestone and service kind the API sends', async () => {
    const { WORKSHOP_STAGES, RO_KINDS } = await import('../../contracts/service');
    const { DELIVERY_MILESTONES } = await import('../../contracts/sales');
    expect(Object.keys(zh.stages).sort()).toEqual(WORKSHOP_STAGES.map((s) => s.key).sort());
    expect(Object.keys(zh.milestones).sort()).toEqual(DELIVERY_MILESTONES.map((s) => s.key).sort());
    expect(Object.keys(zh.kinds).sort()).toEqual(RO_KINDS.map((s) => s.key).sort());
  });
});
