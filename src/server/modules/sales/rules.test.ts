import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DELIVERY_MILESTONES } from '../../../contracts/sales.js';
import { compactStoreCode, MILESTONE_ORDER, milestoneStepError, nextDocumentNo, orderNoPrefix } from './rules.js';

describe('delivery milestones', () => {
  it('are the six steps 订车 → … → 交车 in order', () => {
    expect(MILESTONE_ORDER).toEqual(['ordered', 'inspection', 'transport', 'pdi', 'handover_prep', 'delivered']);
    expect(DELIVERY_MILESTONES.map((m) => m.zh)).toEqual(['订车', '车辆检测', '运输', 'PDI', '交车准备', '交车']);
  });

  it('advancing through any increasing subsequence succeeds', () => {
    fc.assert(
      fc.property(fc.subarray(MILESTONE_ORDER.slice(1)), (path) => {
        let current = MILESTONE_ORDER[0]!;
        for (const next of path) {
          expect(milestoneStepError(current, next)).toBeNull();
          current = next;
        }
      }),
    );
  });

  it('any non-increasing step fails with a reason naming the milestones', () => {
    const pair = fc.tuple(fc.nat(MILESTONE_ORDER.length - 1), fc.nat(MILESTONE_ORDER.length - 1)).filter(([a, b]) => b <= a);
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const reason = milestoneStepError(MILESTONE_ORDER[a]!, MILESTONE_ORDER[b]!);
        expect(reason).toEqual(expect.stringContaining(DELIVERY_MILESTONES[b]!.zh));
      }),
    );
    expect(milestoneStepError('transport', 'inspection')).toContain('不能退回');
    expect(milestoneStepError('pdi', 'pdi')).toContain('已记录');
  });
});

describe('order numbers', () => {
  it('carry the compact store code and the local date, then a 4-digit sequence', () => {
    expect(compactStoreCode('bj-lh')).toBe('BJLH');
    const prefix = orderNoPrefix('BJ-LH', '2026-11-23');
    expect(prefix).toBe('SO-BJLH-20261123-');
    expect(nextDocumentNo(prefix, null)).toBe('SO-BJLH-20261123-0001');
    expect(nextDocumentNo(prefix, 'SO-BJLH-20261123-0041')).toBe('SO-BJLH-20261123-0042');
    expect(nextDocumentNo(prefix, 'SO-BJLH-20261123-9999')).toBe('SO-BJLH-20261123-10000');
  });

  it('the next number always follows the last and never repeats it', () => {
    const prefix = orderNoPrefix('TJ-LH', '2026-01-05');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (n) => {
        const last = n === 0 ? null : `${prefix}${String(n).padStart(4, '0')}`;
        const next = nextDocumentNo(prefix, last);
        expect(next.startsWith(prefix)).toBe(true);
        expect(Number(next.slice(prefix.length))).toBe(n + 1);
      }),
    );
  });
});
