import { DELIVERY_MILESTONES, type TDeliveryMilestone } from '../../../contracts/sales.js';

/** The milestone keys in delivery order. */
export const MILESTONE_ORDER: readonly TDeliveryMilestone[] = DELIVERY_MILESTONES.map((m) => m.key);

const label = (key: TDeliveryMilestone) => DELIVERY_MILESTONES.find((m) => m.key === key)!;

/**
 * Whether an order whose furthest milestone is `current` may record `next`. Delivery only moves forward: skipping
 * steps is fine (a car in stock needs no transport), recording a step again or going back is not.
 * Returns null when allowed, else the reason for the employee.
 */
export function milestoneStepError(current: TDeliveryMilestone, next: TDeliveryMilestone): string | null {
  const from = MILESTONE_ORDER.indexOf(current);
  const to = MILESTONE_ORDER.indexOf(next);
  if (to > from) return null;
  const c = label(current);
  const n = label(next);
  if (to === from) return `「${n.zh}」已记录，不能重复记录 / ${n.en} is already recorded`;
  return `订单已到「${c.zh}」，不能退回「${n.zh}」 / The order is already at ${c.en}; it cannot go back to ${n.en}`;
}

/** Store codes such as `BJ-LH` become `BJLH` inside document numbers. */
export function compactStoreCode(code: string): string {
  return code.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
}

/** `SO-BJLH-20261123-` — the generated order numbers of one store and day share it; the sequence follows. */
export function orderNoPrefix(storeCode: string, localDate: string): string {
  return `SO-${compactStoreCode(storeCode)}-${localDate.replaceAll('-', '')}-`;
}

/**
 * The next number after `last` (the highest existing number with this prefix, or null): `SO-BJLH-20261123-0001`,
 * `…-0002`, …; past 9999 the sequence simply grows a digit.
 */
export function nextDocumentNo(prefix: string, last: string | null): string {
  const seq = last && last.startsWith(prefix) ? Number(last.slice(prefix.length)) : 0;
  const next = Number.isSafeInteger(seq) ? seq + 1 : 1;
  return `${prefix}${String(next).padStart(4, '0')}`;
}
