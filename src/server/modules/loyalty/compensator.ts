/**
 * Loyalty's side of complaint compensation (`TCompensator` of the complaints module): a coupon (amount in fen) or
 * points, issued once per complaint in the complaint's transaction. Cash is recorded on the complaint and handed out
 * by a person, so it returns null.
 */
import type { TCompensator } from '../complaints/service.js';
import type { TLoyaltyService } from './service.js';

export const COMPENSATION_COUPON_DAYS = 180;

export function loyaltyCompensator(loyalty: Pick<TLoyaltyService, 'compensate'>): TCompensator {
  return {
    async issue(tx, c) {
      if (c.kind === 'cash') return null;
      const r = await loyalty.compensate(tx, {
        complaintId: c.complaintId,
        customerId: c.customerId,
        ...(c.kind === 'coupon'
          ? { coupon: { title: c.note ? `投诉补偿券 · ${c.note.slice(0, 40)}` : '投诉补偿券', valueFen: c.amount, validDays: COMPENSATION_COUPON_DAYS } }
          : { points: c.amount }),
      });
      const ref = r.couponId ? `coupon:${r.couponId}` : r.entryId ? `points:${r.entryId}` : null;
      return ref ? { externalRef: ref } : null;
    },
  };
}
