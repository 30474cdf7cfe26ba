/**
 * Loyalty's journey actions (the journeys registry's `extra`): `issue_coupon` (the birthday rule's ¥500 maintenance
 * coupon) and `award_points`. Both are set-based over the firings' audience and keyed by the firing key, so a re-run
 * or a second worker never issues a second coupon or credits twice.
 */
import { z } from 'zod';
import type { TActionDef } from '../journeys/actions.js';
import type { TLoyaltyService } from './service.js';

const ZIssueCoupon = z.object({
  title: z.string().trim().min(1).max(60).default('保养券'),
  valueYuan: z.number().int().min(1).max(100_000).default(500),
  validDays: z.number().int().min(1).max(3650).default(90),
});
const ZAwardPoints = z.object({
  points: z.number().int().min(1).max(1_000_000),
  reason: z.string().trim().min(1).max(200).default('关怀旅程奖励 / Journey reward'),
});

export function loyaltyJourneyActions(loyalty: Pick<TLoyaltyService, 'issueCouponsForAudience' | 'awardPointsForAudience'>): TActionDef<never>[] {
  const issueCoupon: TActionDef<z.infer<typeof ZIssueCoupon>> = {
    kind: 'issue_coupon',
    schema: ZIssueCoupon,
    describe: {
      zh: '发放卡券',
      en: 'Issue a coupon',
      fields: [
        { key: 'title', type: 'text', zh: '券名称', en: 'Coupon title', required: true, default: '保养券' },
        { key: 'valueYuan', type: 'number', zh: '面额（元）', en: 'Value (¥)', required: true, default: 500 },
        { key: 'validDays', type: 'number', zh: '有效天数', en: 'Valid for days', required: true, default: 90 },
      ],
    },
    async execute(tx, p, ctx) {
      const r = await loyalty.issueCouponsForAudience(tx, {
        audience: ctx.audience,
        coupon: { title: p.title, valueFen: p.valueYuan * 100, validDays: p.validDays },
        source: 'journey',
        keyPrefix: `journey:${ctx.rule.code}:`,
      });
      return { done: r.issued, suppressed: Math.max(0, ctx.fired - r.issued) };
    },
  };

  const awardPoints: TActionDef<z.infer<typeof ZAwardPoints>> = {
    kind: 'award_points',
    schema: ZAwardPoints,
    describe: {
      zh: '赠送积分',
      en: 'Award points',
      fields: [
        { key: 'points', type: 'number', zh: '积分', en: 'Points', required: true, default: 100 },
        { key: 'reason', type: 'text', zh: '原因', en: 'Reason', required: true, default: '关怀旅程奖励 / Journey reward' },
      ],
    },
    async execute(tx, p, ctx) {
      const r = await loyalty.awardPointsForAudience(tx, { audience: ctx.audience, points: p.points, reason: p.reason, source: 'journey', keyPrefix: `journey:${ctx.rule.code}:` });
      return { done: r.credited, suppressed: Math.max(0, ctx.fired - r.credited) };
    },
  };

  return [issueCoupon, awardPoints] as unknown as TActionDef<never>[];
}
