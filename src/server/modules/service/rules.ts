import { WORKSHOP_STAGES, type TWorkshopStage } from '../../../contracts/service.js';
import { compactStoreCode } from '../sales/rules.js';

/** The workshop stage keys in order. */
export const STAGE_ORDER: readonly TWorkshopStage[] = WORKSHOP_STAGES.map((s) => s.key);

const label = (key: TWorkshopStage) => WORKSHOP_STAGES.find((s) => s.key === key)!;

/**
 * Whether a repair order whose furthest stage is `current` may record `next`. The workshop only moves forward:
 * skipping is fine (no wash requested), repeating a stage or going back is not.
 * Returns null when allowed, else the reason for the employee.
 */
export function stageStepError(current: TWorkshopStage, next: TWorkshopStage): string | null {
  const from = STAGE_ORDER.indexOf(current);
  const to = STAGE_ORDER.indexOf(next);
  if (to > from) return null;
  const c = label(current);
  const n = label(next);
  if (to === from) return `「${n.zh}」已记录，不能重复记录 / ${n.en} is already recorded`;
  return `工单已到「${c.zh}」，不能退回「${n.zh}」 / The repair order is already at ${c.en}; it cannot go back to ${n.en}`;
}

/** `RO-BJLH-20261123-` — generated RO numbers of one store and day share it; the sequence follows. */
export function roNoPrefix(storeCode: string, localDate: string): string {
  return `RO-${compactStoreCode(storeCode)}-${localDate.replaceAll('-', '')}-`;
}

export { nextDocumentNo } from '../sales/rules.js';
