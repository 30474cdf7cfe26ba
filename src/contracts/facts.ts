/**
 * The values of the derived facts (lifecycle stage, value tier, needs, churn risk) with their labels, and the compact
 * facts a customer list row carries. Shared by the segments contracts (rules, the facts endpoint) and the customers
 * list (filters and optional columns), which is why they live in their own file: `segments.ts` imports
 * `customers.ts`, so `customers.ts` cannot import `segments.ts`.
 */
import { z } from 'zod';
import { ZDate } from './common.js';


export const LIFECYCLE_STAGES = [
  { value: 'prospect', zh: '潜在客户', en: 'Prospect' },
  { value: 'new_owner', zh: '新购车主', en: 'New owner' },
  { value: 'regular', zh: '老客户', en: 'Regular owner' },
  { value: 'replacement', zh: '置换客户', en: 'Replacement' },
] as const;
export const VALUE_TIERS = [
  { value: 'high_value', zh: '高净值', en: 'High value' },
  { value: 'regular', zh: '普通', en: 'Regular' },
  { value: 'potential', zh: '潜力', en: 'Potential' },
] as const;
export const NEEDS = [
  { value: 'family', zh: '家庭用车', en: 'Family' },
  { value: 'business', zh: '商务用车', en: 'Business' },
  { value: 'young', zh: '年轻用户', en: 'Young' },
] as const;
export const CHURN_RISKS = [
  { value: 'low', zh: '低', en: 'Low' },
  { value: 'medium', zh: '中', en: 'Medium' },
  { value: 'high', zh: '高', en: 'High' },
] as const;
/** Online behaviour kinds the portal and website record (see behaviour events). */
export const BEHAVIOUR_KINDS = [
  { value: 'model.viewed', zh: '浏览车型', en: 'Viewed a model' },
  { value: 'loan.calculated', zh: '使用贷款计算器', en: 'Used the loan calculator' },
  { value: 'valuation.requested', zh: '申请旧车估价', en: 'Asked for a valuation' },
  { value: 'event.registered', zh: '报名活动', en: 'Registered for an event' },
] as const;

type Values<T extends readonly { value: string }[]> = { [I in keyof T]: T[I]['value'] };
const valuesOf = <T extends readonly { value: string }[]>(list: T) => list.map((x) => x.value) as unknown as Values<T>;

export const ZLifecycleStage = z.enum(valuesOf(LIFECYCLE_STAGES));
export const ZValueTier = z.enum(valuesOf(VALUE_TIERS));
export const ZNeed = z.enum(valuesOf(NEEDS));
export const ZChurnRisk = z.enum(valuesOf(CHURN_RISKS));
export type TLifecycleStage = z.infer<typeof ZLifecycleStage>;
export type TValueTier = z.infer<typeof ZValueTier>;
export type TNeed = z.infer<typeof ZNeed>;
export type TChurnRisk = z.infer<typeof ZChurnRisk>;

/** The Chinese label of an option value (falls back to the value itself). */
export function optionLabel(list: readonly { value: string; zh: string }[], value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return list.find((o) => o.value === value)?.zh ?? value;
}

/**
 * The facts a customer list row (the customers list, a segment's sample and customers) carries for its optional
 * columns; absent or null when the customer has no facts yet (created since the last refresh).
 */
export const ZCustomerListFacts = z.object({
  lifecycleStage: ZLifecycleStage,
  valueTier: ZValueTier,
  needs: z.array(ZNeed),
  churnRisk: ZChurnRisk,
  tradeInScore: z.number().int(),
  lastVisitAt: z.date().nullable(),
  visits12m: z.number().int(),
  spend12mFen: z.number().int(),
  nextMaintenanceDueDate: ZDate.nullable(),
  nextInsuranceExpiry: ZDate.nullable(),
  maxEstimatedMileageKm: z.number().int().nullable(),
});
export type TCustomerListFacts = z.infer<typeof ZCustomerListFacts>;
