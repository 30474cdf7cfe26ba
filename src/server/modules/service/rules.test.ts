import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RO_KINDS, WORKSHOP_STAGES } from '../../../contracts/service.js';
import { nextDocumentNo, roNoPrefix, STAGE_ORDER, stageStepError } from './rules.js';

describe('workshop stages', () => {
  it('are 预约 → 接车 → 诊断 → 维修 → 质检 → 洗车 → 待交车 → 已交车, and the RO kinds carry their Chinese names', () => {
    expect(WORKSHOP_STAGES.map((s) => s.zh)).toEqual(['预约', '接车', '诊断', '维修', '质检', '洗车', '待交车', '已交车']);
    expect(STAGE_ORDER.at(-1)).toBe('delivered');
    expect(RO_KINDS.map((k) => k.zh)).toEqual(['首保', '保养', '维修', '保修', '事故', '召回', '检测']);
  });

  it('advancing through any increasing subsequence succeeds, from either opening stage', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1), fc.subarray(STAGE_ORDER.slice(2)), (start, path) => {
        let current = STAGE_ORDER[start]!;
        for (const next of path) {
          expect(stageStepError(current, next)).toBeNull();
          current = next;
        }
      }),
    );
  });

  it('any non-increasing step fails', () => {
    const pair = fc.tuple(fc.nat(STAGE_ORDER.length - 1), fc.nat(STAGE_ORDER.length - 1)).filter(([a, b]) => b <= a);
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(stageStepError(STAGE_ORDER[a]!, STAGE_ORDER[b]!)).toEqual(expect.stringContaining(WORKSHOP_STAGES[b]!.zh));
      }),
    );
    expect(stageStepError('qc', 'repair')).toBe('工单已到「质检」，不能退回「维修」 / The repair order is already at Quality check; it cannot go back to Repair');
  });

  it('a sequence of random steps is accepted exactly when each one moves forward', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STAGE_ORDER), { maxLength: 12 }), (steps) => {
        let current = STAGE_ORDER[0]!;
        for (const next of steps) {
          const forward = STAGE_ORDER.indexOf(next) > STAGE_ORDER.indexOf(current);
          expect(stageStepError(current, next) === null).toBe(forward);
          if (forward) current = next;
        }
      }),
    );
  });
});

describe('RO numbers', () => {
  it('are RO-<store>-<yyyymmdd>-<seq>', () => {
    const prefix = roNoPrefix('BJ-JG', '2026-11-23');
    expect(nextDocumentNo(prefix, null)).toBe('RO-BJJG-20261123-0001');
    expect(nextDocumentNo(prefix, 'RO-BJJG-20261123-0009')).toBe('RO-BJJG-20261123-0010');
  });
});
