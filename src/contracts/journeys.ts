import { z } from 'zod';
import { ZDate, ZId, ZRole } from './common.js';
import { ZSegmentRule } from './segments.js';

/**
 * Journeys 全周期关怀: a rule = trigger + audience + actions (DOMAIN.md, Journeys). Shared by the server and the console.
 */

/** Date fields a `date_offset` trigger counts from. `annual` fields recur every year (the occurrence is that year's date). */
export const DATE_FIELDS = [
  { key: 'customer.birthday', zh: '生日', en: 'Birthday', scope: 'customer', annual: true },
  { key: 'customer.last_visit', zh: '最近到店', en: 'Last visit', scope: 'customer', annual: false },
  { key: 'vehicle.delivery_date', zh: '交车日期', en: 'Delivery date', scope: 'vehicle', annual: false },
  { key: 'vehicle.insurance_expiry', zh: '保险到期', en: 'Insurance expiry', scope: 'vehicle', annual: false },
  { key: 'vehicle.warranty_end', zh: '质保到期', en: 'Warranty end', scope: 'vehicle', annual: false },
  { key: 'vehicle.next_maintenance_due', zh: '下次保养到期', en: 'Next maintenance due', scope: 'vehicle', annual: false },
  { key: 'vehicle.first_service_due', zh: '首保到期', en: 'First service due', scope: 'vehicle', annual: false },
  { key: 'vehicle.first_service_date', zh: '首保完成日', en: 'First service done', scope: 'vehicle', annual: false },
] as const;
export type TDateField = (typeof DATE_FIELDS)[number]['key'];
export const ZDateField = z.enum(DATE_FIELDS.map((f) => f.key) as [TDateField, ...TDateField[]]);

/** Domain events an `event` trigger may name (later modules add theirs here). */
export const TRIGGER_EVENTS = [
  { key: 'sales_order.delivered', zh: '新车交付', en: 'Car delivered' },
  { key: 'repair_order.closed', zh: '工单完工', en: 'Repair order closed' },
  { key: 'repair_order.opened', zh: '工单开单', en: 'Repair order opened' },
  { key: 'appointment.no_show', zh: '预约未到店', en: 'Appointment no-show' },
  { key: 'task.completed', zh: '任务完成', en: 'Task completed' },
  { key: 'lead.lost', zh: '线索战败', en: 'Lead lost' },
  { key: 'campaign_event.ended', zh: '活动结束', en: 'Event ended' },
  { key: 'complaint.resolved', zh: '投诉已解决', en: 'Complaint resolved' },
] as const;
export type TTriggerEvent = (typeof TRIGGER_EVENTS)[number]['key'];
export const ZTriggerEvent = z.enum(TRIGGER_EVENTS.map((f) => f.key) as [TTriggerEvent, ...TTriggerEvent[]]);

/** How often a `daily` rule may fire again for the same customer (or vehicle). */
export const DAILY_PERIODS = [
  { key: 'once', zh: '仅一次', en: 'Once' },
  { key: 'year', zh: '每年一次', en: 'Once a year' },
  { key: 'quarter', zh: '每季度一次', en: 'Once a quarter' },
  { key: 'month', zh: '每月一次', en: 'Once a month' },
  { key: 'week', zh: '每周一次', en: 'Once a week' },
] as const;
export const ZDailyPeriod = z.enum(['once', 'year', 'quarter', 'month', 'week']);

/**
 * Built-in conditions over records that the segment rule language does not reach (vehicle level, event payloads).
 * Each is a fixed SQL fragment in the engine; `km` is its one parameter where it takes one.
 */
export const CONDITIONS = [
  { key: 'not_visited_since', zh: '此后未再到店', en: 'No visit since that date' },
  { key: 'no_booking', zh: '近期无预约', en: 'No upcoming appointment' },
  { key: 'mileage_over', zh: '预计里程超过', en: 'Estimated mileage over (km)' },
  { key: 'trade_in_candidate', zh: '符合置换条件', en: 'Trade-in candidate' },
  { key: 'ro_fault_codes', zh: '工单含故障码', en: 'Repair order has fault codes' },
  { key: 'owners', zh: '有车车主', en: 'Owners with a car in use' },
] as const;
export type TConditionKind = (typeof CONDITIONS)[number]['key'];
export const ZCondition = z.object({
  kind: z.enum(CONDITIONS.map((c) => c.key) as [TConditionKind, ...TConditionKind[]]),
  km: z.number().int().min(0).max(2_000_000).optional(),
});
export type TCondition = z.infer<typeof ZCondition>;

export const ZTrigger = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('daily'), scope: z.enum(['customer', 'vehicle']).default('customer'), period: ZDailyPeriod.default('once') }),
  z.object({
    kind: z.literal('date_offset'),
    field: ZDateField,
    /** Days after the date (negative: before). The rule fires on date + offsetDays. */
    offsetDays: z.number().int().min(-730).max(730),
  }),
  z.object({
    kind: z.literal('annual_date'),
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
  }),
  z.object({ kind: z.literal('event'), eventType: ZTriggerEvent, delayDays: z.number().int().min(0).max(365).default(0) }),
]);
export type TTrigger = z.infer<typeof ZTrigger>;
export const TRIGGER_KINDS = [
  { key: 'daily', zh: '每日评估', en: 'Daily' },
  { key: 'date_offset', zh: '日期偏移', en: 'Date offset' },
  { key: 'annual_date', zh: '每年固定日', en: 'Every year on' },
  { key: 'event', zh: '业务事件', en: 'Domain event' },
] as const;

export const ZAudience = z.union([z.object({ segmentId: ZId }), z.object({ rule: ZSegmentRule })]);
export type TAudience = z.infer<typeof ZAudience>;

/** An action as stored: a registry kind and its params (validated by the kind's own schema). */
export const ZActionSpec = z.object({ kind: z.string().min(1).max(40), params: z.record(z.string(), z.unknown()).default({}) });
export type TActionSpec = z.infer<typeof ZActionSpec>;

export const ZRuleTexts = z.object({ nameZh: z.string().trim().min(1).max(80), nameEn: z.string().trim().max(120).default(''), descriptionZh: z.string().max(500).default(''), descriptionEn: z.string().max(500).default('') });

export const ZRuleDraft = ZRuleTexts.extend({
  trigger: ZTrigger,
  audience: ZAudience.nullable().default(null),
  conditions: z.array(ZCondition).max(5).default([]),
  actions: z.array(ZActionSpec).min(1).max(6),
});
export type TRuleDraft = z.infer<typeof ZRuleDraft>;

export const ZRuleCreate = ZRuleDraft.extend({
  code: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,48}$/, '编码只能用小写字母、数字和下划线 / lower-case letters, digits, underscores')
    .optional(),
  /** The store the rule belongs to; group admins may leave it empty for a group-wide rule. */
  storeId: ZId.nullable().optional(),
  enabled: z.boolean().default(false),
});
export type TRuleCreate = z.infer<typeof ZRuleCreate>;
export const ZRuleUpdate = ZRuleDraft.partial().extend({ version: z.number().int().min(1) });
export type TRuleUpdate = z.infer<typeof ZRuleUpdate>;

export const ZRuleRunFigures = z.object({ runId: ZId, at: z.date(), evaluated: z.number().int(), fired: z.number().int(), suppressed: z.number().int(), error: z.string().nullable() });

export const ZRule = ZRuleDraft.extend({
  id: ZId,
  code: z.string(),
  storeId: ZId.nullable(),
  isDefault: z.boolean(),
  /** The rule's own switch (a group rule: the group default). */
  enabled: z.boolean(),
  /** For the asking user's store (or the store named in the query): the effective switch. */
  enabledHere: z.boolean(),
  /** Stores that switched a group rule on or off for themselves. */
  storeSwitches: z.array(z.object({ storeId: ZId, enabled: z.boolean() })),
  version: z.number().int(),
  lastRun: ZRuleRunFigures.nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type TRule = z.infer<typeof ZRule>;

export const ZRuleListQuery = z.object({ storeId: ZId.optional() });
export const ZRuleSwitch = z.object({ enabled: z.boolean(), storeId: ZId.optional() });

export const ZPreviewInput = z.object({ rule: ZRuleDraft.optional(), ruleId: ZId.optional(), storeId: ZId.optional(), days: z.number().int().min(1).max(60).default(31) });
export const ZPreview = z.object({
  from: ZDate,
  days: z.array(z.object({ day: ZDate, count: z.number().int() })),
  total: z.number().int(),
  sample: z.array(z.object({ day: ZDate, customerId: ZId, customerName: z.string(), reason: z.string() })),
  ms: z.number().int(),
});
export type TPreview = z.infer<typeof ZPreview>;

export const RUN_KINDS = ['daily', 'incremental', 'manual'] as const;
export const RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export const ZRuleReport = z.object({
  ruleId: ZId,
  code: z.string(),
  name: z.string(),
  storeId: ZId.nullable(),
  /**
   * The day's candidates that met the audience and conditions: for a date or event rule all of them (a re-run counts
   * them again and fires none); for a daily rule those not fired before in its period (the rest are left out first).
   */
  evaluated: z.number().int(),
  fired: z.number().int(),
  suppressed: z.number().int(),
  actions: z.record(z.string(), z.number().int()),
  durationMs: z.number().int(),
  error: z.string().nullable(),
});
export type TRuleReport = z.infer<typeof ZRuleReport>;
export const ZRun = z.object({
  id: ZId,
  kind: z.enum(RUN_KINDS),
  asOf: ZDate,
  status: z.enum(RUN_STATUSES),
  storeId: ZId.nullable(),
  ruleId: ZId.nullable(),
  progress: z.object({ done: z.number().int(), total: z.number().int(), current: z.string().nullable() }),
  report: z.array(ZRuleReport),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  durationMs: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type TRun = z.infer<typeof ZRun>;
export const ZRunStart = z.object({ asOf: ZDate.optional(), ruleId: ZId.optional(), storeId: ZId.optional() });
export const ZRunListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

export const ZFiring = z.object({
  id: ZId,
  ruleId: ZId,
  ruleCode: z.string(),
  ruleName: z.string(),
  customerId: ZId,
  vehicleId: ZId.nullable(),
  firingKey: z.string(),
  occurredOn: ZDate,
  firedAt: z.date(),
  reason: z.string(),
  runId: ZId.nullable(),
});
export type TFiring = z.infer<typeof ZFiring>;

/** A param field of an action kind, for the console's form. */
export const ZActionField = z.object({
  key: z.string(),
  type: z.enum(['text', 'number', 'select', 'template']),
  zh: z.string(),
  en: z.string(),
  required: z.boolean(),
  options: z.array(z.object({ value: z.string(), zh: z.string(), en: z.string() })).optional(),
  default: z.union([z.string(), z.number()]).optional(),
});
export const ZActionKind = z.object({ kind: z.string(), zh: z.string(), en: z.string(), fields: z.array(ZActionField) });
export type TActionKind = z.infer<typeof ZActionKind>;
export const ZJourneyCatalogue = z.object({
  actions: z.array(ZActionKind),
  triggers: z.array(z.object({ key: z.string(), zh: z.string(), en: z.string() })),
  dateFields: z.array(z.object({ key: z.string(), zh: z.string(), en: z.string() })),
  events: z.array(z.object({ key: z.string(), zh: z.string(), en: z.string() })),
  conditions: z.array(z.object({ key: z.string(), zh: z.string(), en: z.string() })),
  roles: z.array(ZRole),
});
