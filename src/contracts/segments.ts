/**
 * Segments 客户分层: derived facts per customer and vehicle, and the rule trees a visual builder edits.
 *
 * A rule is a tree of groups `{op: 'and'|'or'|'not', children}` and conditions `{field, cmp, value}`. The fields a
 * condition may name, their types, comparators and options are the FIELD CATALOGUE below; the console builds its
 * editor from it (`GET /segments/fields`) and validates with the same `ZSegmentRule` the server uses.
 *
 * Semantics the builder can rely on:
 * - Each negative comparator is exactly NOT of its positive twin (`ne` = not `eq`, `not_in` = not `in`,
 *   `not_within` = not `within`, `is_not_empty` = not `is_empty`, `not_contains` = not `contains`). A missing value
 *   (no last visit, no facts yet) makes a positive comparison false, so its negation is true.
 * - Fields over a set of records (vehicles, tags, repair orders, online behaviour, consents) ask "has one that…":
 *   `vehicle.model in [L5]` = owns an L5 (in use); `vehicle.model not_in [L5]` = owns no L5.
 * - Relative dates are counted from today in the group's time zone: `{relative: {direction: 'past', amount: 6,
 *   unit: 'month'}}` with `within` means "in the last 6 months" (today included); with `lt` it means "before the day
 *   6 months ago".
 */
import { z } from 'zod';
import { ZDate, ZId } from './common.js';
import { BEHAVIOUR_KINDS, CHURN_RISKS, LIFECYCLE_STAGES, NEEDS, VALUE_TIERS, ZChurnRisk, ZLifecycleStage, ZNeed, ZValueTier } from './facts.js';
import { GENDERS, ZCustomerListItem } from './customers.js';
import { RO_KINDS } from './service.js';
import { BODY_TYPES, POWERTRAINS } from './vehicles.js';

// ---------------------------------------------------------------------------
// Derived facts: the values and their labels (in ./facts.ts, shared with the customers list)
// ---------------------------------------------------------------------------

export {
  BEHAVIOUR_KINDS,
  CHURN_RISKS,
  LIFECYCLE_STAGES,
  NEEDS,
  optionLabel,
  VALUE_TIERS,
  ZChurnRisk,
  ZLifecycleStage,
  ZNeed,
  ZValueTier,
  type TChurnRisk,
  type TLifecycleStage,
  type TNeed,
  type TValueTier,
} from './facts.js';

// ---------------------------------------------------------------------------
// Settings: every threshold of the facts computation, per store (defaults from DOMAIN.md)
// ---------------------------------------------------------------------------

const kinds = z.array(z.string().trim().min(1).max(50)).max(20);
const words = z.array(z.string().trim().min(1).max(30)).max(50);

export const ZFactSettings = z.object({
  /** A car younger than this (years) makes a new owner 新购. */
  newOwnerMaxYears: z.number().min(0).max(10),
  /** Up to this car age (years) a regular owner 老客户; older → replacement 置换. */
  regularMaxYears: z.number().min(0).max(20),
  /** Service spend in the last 12 months that makes a customer high-value 高净值 (fen; ¥10,000). */
  highValueSpendFen: z.number().int().min(0).max(1e11),
  /** Owning a model flagged luxury in the catalogue also makes a customer high-value. */
  luxuryIsHighValue: z.boolean(),
  /** Below this 12-month spend (fen; ¥5,000), a customer with add-on or trade-in intent is potential 潜力. */
  potentialMaxSpendFen: z.number().int().min(0).max(1e11),
  /** Trade-in 置换: a car at least this old (years)… */
  tradeInAgeYears: z.number().min(0).max(30),
  /** …or with at least this estimated mileage (km)… */
  tradeInMileageKm: z.number().int().min(0).max(2_000_000),
  /** …or at least this many repairs in the last 6 months… */
  tradeInRepairs6m: z.number().int().min(1).max(100),
  /** …or intent: at least this many valuation requests… */
  tradeInValuations: z.number().int().min(1).max(100),
  /** …or at least this many new-model views, within the intent window. */
  tradeInModelViews: z.number().int().min(1).max(100),
  /** Online behaviour counts as intent within this many days. */
  intentWindowDays: z.number().int().min(1).max(3650),
  /** Behaviour kinds that count as a valuation request, as browsing new models, as add-on (增购) intent. */
  valuationKinds: kinds,
  modelViewKinds: kinds,
  addOnKinds: kinds,
  /** Tags that mark trade-in intent when staff set them (e.g. 置换意向). */
  tradeInTags: words,
  /** Family 家庭用车: a car with at least this many seats or of these body types, household notes with these words, or these tags. */
  familyMinSeats: z.number().int().min(2).max(60),
  familyBodyTypes: z.array(z.enum(['suv', 'sedan', 'mpv', 'hatchback', 'wagon', 'pickup'])).max(6),
  familyKeywords: words,
  familyTags: words,
  /** Business 商务用车: these occupations or tags, or (optionally) a luxury model. */
  businessOccupations: words,
  businessTags: words,
  businessLuxury: z.boolean(),
  /** Young 年轻用户: younger than this (years). */
  youngMaxAge: z.number().int().min(1).max(100),
  /** Churn risk: medium after this many days without a visit (or since delivery), high after the second. */
  churnMediumDays: z.number().int().min(1).max(3650),
  churnHighDays: z.number().int().min(1).max(3650),
  /** Assumed km per day when a car has too little mileage history. */
  defaultKmPerDay: z.number().min(0).max(500),
  /** Warranty length (years after delivery) when the vehicle record carries no warranty end. */
  warrantyYears: z.number().min(0).max(20),
  /** Maintenance intervals for cars without a catalogue model. */
  defaultIntervalMonths: z.number().int().min(1).max(60),
  defaultIntervalKm: z.number().int().min(500).max(100_000),
  defaultFirstServiceMonths: z.number().int().min(1).max(60),
  defaultFirstServiceKm: z.number().int().min(100).max(100_000),
});
export type TFactSettings = z.infer<typeof ZFactSettings>;
/** A store's (or the group's) overrides; unspecified keys inherit group → defaults. */
export const ZFactSettingsPatch = ZFactSettings.partial();
export type TFactSettingsPatch = z.infer<typeof ZFactSettingsPatch>;

export const DEFAULT_FACT_SETTINGS: TFactSettings = {
  newOwnerMaxYears: 1,
  regularMaxYears: 3,
  highValueSpendFen: 1_000_000,
  luxuryIsHighValue: true,
  potentialMaxSpendFen: 500_000,
  tradeInAgeYears: 4,
  tradeInMileageKm: 80_000,
  tradeInRepairs6m: 3,
  tradeInValuations: 1,
  tradeInModelViews: 2,
  intentWindowDays: 180,
  valuationKinds: ['valuation.requested'],
  modelViewKinds: ['model.viewed'],
  addOnKinds: ['model.viewed', 'loan.calculated'],
  tradeInTags: ['置换意向'],
  familyMinSeats: 7,
  familyBodyTypes: ['mpv'],
  familyKeywords: ['孩子', '宝宝', '二胎', '三代同堂', '老人', '父母'],
  familyTags: ['宝妈', '二胎家庭'],
  businessOccupations: ['企业主', '个体经营', '销售经理', '金融从业者', '律师'],
  businessTags: ['商务人士'],
  businessLuxury: true,
  youngMaxAge: 30,
  churnMediumDays: 180,
  churnHighDays: 365,
  defaultKmPerDay: 40,
  warrantyYears: 3,
  defaultIntervalMonths: 6,
  defaultIntervalKm: 5_000,
  defaultFirstServiceMonths: 3,
  defaultFirstServiceKm: 3_000,
};

export const ZFactSettingsView = z.object({
  /** null = the group's defaults. */
  storeId: ZId.nullable(),
  /** What applies (defaults ← group ← store). */
  effective: ZFactSettings,
  /** What this level overrides. */
  overrides: ZFactSettingsPatch,
  updatedAt: z.date().nullable(),
});
export const ZFactSettingsPut = z.object({ storeId: ZId.nullable().optional(), overrides: ZFactSettingsPatch });
export type TFactSettingsView = z.infer<typeof ZFactSettingsView>;
export type TFactSettingsPut = z.infer<typeof ZFactSettingsPut>;

// ---------------------------------------------------------------------------
// Facts as the API returns them
// ---------------------------------------------------------------------------

export const ZVehicleFacts = z.object({
  vehicleId: ZId,
  plate: z.string().nullable(),
  modelName: z.string().nullable(),
  status: z.string(),
  ageYears: z.number().nullable(),
  kmPerDay: z.number().nullable(),
  estimatedMileageKm: z.number().int().nullable(),
  lastReadingKm: z.number().int().nullable(),
  lastReadingDate: ZDate.nullable(),
  nextMaintenanceDueDate: ZDate.nullable(),
  nextMaintenanceDueKm: z.number().int().nullable(),
  /** 首保 if the first service is still to come, else 保养. */
  nextMaintenanceKind: z.enum(['first_service', 'maintenance']).nullable(),
  firstServiceDone: z.boolean(),
  insuranceExpiry: ZDate.nullable(),
  daysToInsuranceExpiry: z.number().int().nullable(),
  warrantyEnd: ZDate.nullable(),
  computedAt: z.date(),
});

export const ZCustomerFacts = z.object({
  customerId: ZId,
  storeId: ZId,
  lifecycleStage: ZLifecycleStage,
  lifecycleStageLabel: z.string(),
  valueTier: ZValueTier,
  valueTierLabel: z.string(),
  needs: z.array(ZNeed),
  needsLabels: z.array(z.string()),
  lastVisitAt: z.date().nullable(),
  visits12m: z.number().int(),
  spend12mFen: z.number().int(),
  repairs6m: z.number().int(),
  age: z.number().int().nullable(),
  vehicleCount: z.number().int(),
  hasTradeInIntent: z.boolean(),
  hasAddOnIntent: z.boolean(),
  churnRisk: ZChurnRisk,
  churnRiskLabel: z.string(),
  churnScore: z.number().int(),
  tradeInCandidate: z.boolean(),
  tradeInScore: z.number().int(),
  tradeInReasons: z.array(z.string()),
  /** The reasons joined for display: "车龄 5.2 年 · 预计 86,000 km". */
  tradeInSummary: z.string(),
  nextMaintenanceDueDate: ZDate.nullable(),
  nextInsuranceExpiry: ZDate.nullable(),
  daysToInsuranceExpiry: z.number().int().nullable(),
  maxEstimatedMileageKm: z.number().int().nullable(),
  /** The business day the facts were computed for, and when they last changed. */
  asOf: ZDate,
  computedAt: z.date(),
  vehicles: z.array(ZVehicleFacts),
});
export type TVehicleFacts = z.infer<typeof ZVehicleFacts>;
export type TCustomerFacts = z.infer<typeof ZCustomerFacts>;

// ---------------------------------------------------------------------------
// Rule trees
// ---------------------------------------------------------------------------

export const FIELD_TYPES = ['number', 'money', 'date', 'enum', 'text', 'tag', 'boolean'] as const;
export type TFieldType = (typeof FIELD_TYPES)[number];

export const COMPARATORS = [
  'eq',
  'ne',
  'in',
  'not_in',
  'all',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'within',
  'not_within',
  'contains',
  'not_contains',
  'starts_with',
  'is_empty',
  'is_not_empty',
] as const;
export type TCmp = (typeof COMPARATORS)[number];

/** Each negative comparator is NOT of this positive one. */
export const NEGATIONS: Partial<Record<TCmp, TCmp>> = {
  ne: 'eq',
  not_in: 'in',
  not_within: 'within',
  not_contains: 'contains',
  is_not_empty: 'is_empty',
};

export const RELATIVE_UNITS = ['day', 'month', 'year'] as const;
export const ZRelative = z.object({
  relative: z.object({
    direction: z.enum(['past', 'next']),
    amount: z.number().int().min(0).max(36_500),
    unit: z.enum(RELATIVE_UNITS),
  }),
});
export type TRelative = z.infer<typeof ZRelative>;
export type TDateValue = string | TRelative;

export type TRuleCondition = {
  field: string;
  cmp: TCmp;
  value?: unknown;
  /** Records fields: only records in this window (e.g. the last 90 days); absent = ever. */
  period?: TRelative;
  /** `ro.count`: only repair orders of these kinds. */
  kinds?: string[];
};
export type TRuleGroup = { op: 'and' | 'or' | 'not'; children: TRuleNode[] };
export type TRuleNode = TRuleGroup | TRuleCondition;
export type TSegmentRule = TRuleNode;

export const isGroup = (n: TRuleNode): n is TRuleGroup => 'op' in n && (n as TRuleGroup).op !== undefined;

export interface TFieldOption {
  value: string;
  zh: string;
  en: string;
}
export interface TSegmentField {
  id: string;
  group: TFieldGroup;
  label: { zh: string; en: string };
  type: TFieldType;
  cmps: readonly TCmp[];
  /** Fixed options (enum fields). */
  options?: readonly TFieldOption[];
  /** Options the console loads: `stores` (GET /stores), `sales`/`service` staff (GET /staff?role=), `models` (GET /vehicle-models), `tags` (GET /tags); values are ids. */
  optionsSource?: 'stores' | 'sales' | 'service' | 'models' | 'tags';
  /** The value is a set (needs): `in` = has any of, `all` = has all of. */
  multi?: boolean;
  /** Whole numbers only. */
  integer?: boolean;
  unit?: { zh: string; en: string };
  /** Records fields accept a `period` window. */
  period?: boolean;
  /** `ro.count` accepts a `kinds` filter with these options. */
  kindOptions?: readonly TFieldOption[];
  hint?: { zh: string; en: string };
}

export const FIELD_GROUPS = [
  { key: 'facts', zh: '客户洞察', en: 'Insights' },
  { key: 'customer', zh: '客户资料', en: 'Customer' },
  { key: 'tags', zh: '标签', en: 'Tags' },
  { key: 'vehicle', zh: '车辆', en: 'Vehicles' },
  { key: 'records', zh: '业务记录', en: 'Records' },
] as const;
export type TFieldGroup = (typeof FIELD_GROUPS)[number]['key'];

const NUM: readonly TCmp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'is_empty', 'is_not_empty'];
const NUM_REQUIRED: readonly TCmp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in'];
const DATE: readonly TCmp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'within', 'not_within', 'is_empty', 'is_not_empty'];
const DATE_REQUIRED: readonly TCmp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'within', 'not_within'];
const ENUM: readonly TCmp[] = ['eq', 'ne', 'in', 'not_in'];
const ENUM_OPT: readonly TCmp[] = ['eq', 'ne', 'in', 'not_in', 'is_empty', 'is_not_empty'];
const TEXT: readonly TCmp[] = ['eq', 'ne', 'in', 'not_in', 'contains', 'not_contains', 'starts_with', 'is_empty', 'is_not_empty'];
const REL: readonly TCmp[] = ['in', 'not_in'];

const opts = (list: readonly { key?: string; value?: string; zh: string; en: string }[]): TFieldOption[] =>
  list.map((o) => ({ value: (o.value ?? o.key)!, zh: o.zh, en: o.en }));
const DAYS = { zh: '天', en: 'days' };
const TIMES = { zh: '次', en: 'times' };
const KM = { zh: '公里', en: 'km' };
const YEARS = { zh: '年', en: 'years' };
const VEHICLE_HINT = { zh: '任一在用车辆满足即可；「不等于 / 不属于」表示没有这样的车', en: 'Any vehicle in use; "not" means no such vehicle' };

/** The field catalogue: everything a segment condition can test. */
export const SEGMENT_FIELDS: readonly TSegmentField[] = [
  // Derived facts (customer_facts)
  { id: 'facts.lifecycle_stage', group: 'facts', label: { zh: '生命周期阶段', en: 'Lifecycle stage' }, type: 'enum', cmps: ENUM, options: LIFECYCLE_STAGES },
  { id: 'facts.value_tier', group: 'facts', label: { zh: '价值分层', en: 'Value tier' }, type: 'enum', cmps: ENUM, options: VALUE_TIERS },
  { id: 'facts.needs', group: 'facts', label: { zh: '需求画像', en: 'Needs profile' }, type: 'enum', multi: true, cmps: ['in', 'not_in', 'all', 'is_empty', 'is_not_empty'], options: NEEDS },
  { id: 'facts.last_visit', group: 'facts', label: { zh: '最近到店', en: 'Last visit' }, type: 'date', cmps: DATE },
  { id: 'facts.visits_12m', group: 'facts', label: { zh: '近 12 个月到店次数', en: 'Visits in 12 months' }, type: 'number', integer: true, unit: TIMES, cmps: NUM_REQUIRED },
  { id: 'facts.spend_12m', group: 'facts', label: { zh: '近 12 个月消费', en: 'Spend in 12 months' }, type: 'money', cmps: NUM_REQUIRED, hint: { zh: '金额单位：分', en: 'Amounts in fen' } },
  { id: 'facts.repairs_6m', group: 'facts', label: { zh: '近 6 个月维修次数', en: 'Repairs in 6 months' }, type: 'number', integer: true, unit: TIMES, cmps: NUM_REQUIRED },
  { id: 'facts.churn_risk', group: 'facts', label: { zh: '流失风险', en: 'Churn risk' }, type: 'enum', cmps: ENUM, options: CHURN_RISKS },
  { id: 'facts.trade_in_score', group: 'facts', label: { zh: '置换意向分', en: 'Trade-in score' }, type: 'number', integer: true, unit: { zh: '分', en: 'points' }, cmps: NUM_REQUIRED },
  { id: 'facts.trade_in_candidate', group: 'facts', label: { zh: '置换潜客', en: 'Trade-in candidate' }, type: 'boolean', cmps: ['eq'] },
  { id: 'facts.trade_in_intent', group: 'facts', label: { zh: '有置换意向（行为）', en: 'Shows trade-in intent' }, type: 'boolean', cmps: ['eq'] },
  { id: 'facts.next_maintenance_due', group: 'facts', label: { zh: '下次保养到期', en: 'Next maintenance due' }, type: 'date', cmps: DATE },
  { id: 'facts.insurance_expiry', group: 'facts', label: { zh: '保险到期日', en: 'Insurance expiry' }, type: 'date', cmps: DATE },
  { id: 'facts.days_to_insurance_expiry', group: 'facts', label: { zh: '距保险到期天数', en: 'Days to insurance expiry' }, type: 'number', integer: true, unit: DAYS, cmps: NUM },
  { id: 'facts.estimated_mileage', group: 'facts', label: { zh: '预计当前里程', en: 'Estimated mileage' }, type: 'number', integer: true, unit: KM, cmps: NUM },
  { id: 'facts.vehicle_count', group: 'facts', label: { zh: '在用车辆数', en: 'Vehicles in use' }, type: 'number', integer: true, cmps: NUM_REQUIRED },
  // Customer record
  { id: 'customer.store', group: 'customer', label: { zh: '所属门店', en: 'Store' }, type: 'enum', optionsSource: 'stores', cmps: ENUM },
  { id: 'customer.gender', group: 'customer', label: { zh: '性别', en: 'Gender' }, type: 'enum', cmps: ENUM, options: GENDERS.map((g) => ({ value: g, zh: { male: '男', female: '女', unknown: '未知' }[g], en: { male: 'Male', female: 'Female', unknown: 'Unknown' }[g] })) },
  { id: 'customer.age', group: 'customer', label: { zh: '年龄', en: 'Age' }, type: 'number', integer: true, unit: YEARS, cmps: NUM },
  { id: 'customer.birthday_month', group: 'customer', label: { zh: '生日月份', en: 'Birthday month' }, type: 'number', integer: true, cmps: NUM },
  { id: 'customer.birthday', group: 'customer', label: { zh: '生日', en: 'Birthday' }, type: 'date', cmps: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'is_empty', 'is_not_empty'] },
  { id: 'customer.city', group: 'customer', label: { zh: '城市', en: 'City' }, type: 'text', cmps: TEXT },
  { id: 'customer.occupation', group: 'customer', label: { zh: '职业', en: 'Occupation' }, type: 'text', cmps: TEXT },
  { id: 'customer.source_channel', group: 'customer', label: { zh: '来源渠道', en: 'Source channel' }, type: 'text', cmps: TEXT },
  { id: 'customer.created', group: 'customer', label: { zh: '建档日期', en: 'Created' }, type: 'date', cmps: DATE_REQUIRED },
  { id: 'customer.consultant', group: 'customer', label: { zh: '销售顾问', en: 'Sales consultant' }, type: 'enum', optionsSource: 'sales', cmps: ENUM_OPT },
  { id: 'customer.advisor', group: 'customer', label: { zh: '服务顾问', en: 'Service advisor' }, type: 'enum', optionsSource: 'service', cmps: ENUM_OPT },
  { id: 'customer.wechat_bound', group: 'customer', label: { zh: '已绑定微信', en: 'WeChat linked' }, type: 'boolean', cmps: ['eq'] },
  { id: 'consent.sms_marketing', group: 'customer', label: { zh: '同意短信营销', en: 'SMS marketing consent' }, type: 'boolean', cmps: ['eq'] },
  { id: 'consent.wechat_marketing', group: 'customer', label: { zh: '同意微信营销', en: 'WeChat marketing consent' }, type: 'boolean', cmps: ['eq'] },
  // Tags
  { id: 'tags', group: 'tags', label: { zh: '客户标签', en: 'Tags' }, type: 'tag', optionsSource: 'tags', cmps: ['in', 'all', 'not_in'] },
  // Vehicles (any vehicle in use)
  { id: 'vehicle.model', group: 'vehicle', label: { zh: '车型', en: 'Model' }, type: 'enum', optionsSource: 'models', cmps: ENUM, hint: VEHICLE_HINT },
  { id: 'vehicle.body_type', group: 'vehicle', label: { zh: '车身类型', en: 'Body type' }, type: 'enum', options: opts(BODY_TYPES), cmps: ENUM, hint: VEHICLE_HINT },
  { id: 'vehicle.powertrain', group: 'vehicle', label: { zh: '动力类型', en: 'Powertrain' }, type: 'enum', options: opts(POWERTRAINS), cmps: ENUM, hint: VEHICLE_HINT },
  { id: 'vehicle.purchase_date', group: 'vehicle', label: { zh: '购车日期', en: 'Purchase date' }, type: 'date', cmps: DATE_REQUIRED, hint: VEHICLE_HINT },
  { id: 'vehicle.age_years', group: 'vehicle', label: { zh: '车龄', en: 'Vehicle age' }, type: 'number', unit: YEARS, cmps: ['gt', 'gte', 'lt', 'lte', 'between'], hint: VEHICLE_HINT },
  { id: 'vehicle.plate', group: 'vehicle', label: { zh: '车牌', en: 'Plate' }, type: 'text', cmps: ['eq', 'ne', 'starts_with', 'contains', 'not_contains'], hint: { zh: '例如「京A」开头', en: 'e.g. starts with 京A' } },
  { id: 'vehicle.insurance_expiry', group: 'vehicle', label: { zh: '车辆保险到期', en: 'Insurance expiry (vehicle)' }, type: 'date', cmps: DATE_REQUIRED, hint: VEHICLE_HINT },
  { id: 'vehicle.warranty_end', group: 'vehicle', label: { zh: '质保到期', en: 'Warranty end' }, type: 'date', cmps: DATE_REQUIRED, hint: VEHICLE_HINT },
  { id: 'vehicle.estimated_mileage', group: 'vehicle', label: { zh: '车辆预计里程', en: 'Estimated mileage (vehicle)' }, type: 'number', integer: true, unit: KM, cmps: ['gt', 'gte', 'lt', 'lte', 'between'], hint: VEHICLE_HINT },
  { id: 'vehicle.next_maintenance_due', group: 'vehicle', label: { zh: '车辆保养到期', en: 'Maintenance due (vehicle)' }, type: 'date', cmps: DATE_REQUIRED, hint: VEHICLE_HINT },
  // Records
  { id: 'ro.kind', group: 'records', label: { zh: '有维修工单（类型）', en: 'Has a repair order of kind' }, type: 'enum', options: opts(RO_KINDS), cmps: REL, period: true, hint: { zh: '可限定时间，例如近 90 天', en: 'Optionally within a period, e.g. the last 90 days' } },
  { id: 'ro.count', group: 'records', label: { zh: '维修工单数', en: 'Number of repair orders' }, type: 'number', integer: true, unit: TIMES, cmps: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between'], period: true, kindOptions: opts(RO_KINDS) },
  { id: 'behaviour.kind', group: 'records', label: { zh: '线上行为', en: 'Online behaviour' }, type: 'enum', options: BEHAVIOUR_KINDS, cmps: REL, period: true },
];

export const FIELD_BY_ID: ReadonlyMap<string, TSegmentField> = new Map(SEGMENT_FIELDS.map((f) => [f.id, f]));

/** Comparator labels; date fields read "before/after". */
export const CMP_LABELS: Record<TCmp, { zh: string; en: string }> = {
  eq: { zh: '等于', en: 'is' },
  ne: { zh: '不等于', en: 'is not' },
  in: { zh: '属于', en: 'is any of' },
  not_in: { zh: '不属于', en: 'is none of' },
  all: { zh: '全部包含', en: 'has all of' },
  gt: { zh: '大于', en: 'greater than' },
  gte: { zh: '大于等于', en: 'at least' },
  lt: { zh: '小于', en: 'less than' },
  lte: { zh: '小于等于', en: 'at most' },
  between: { zh: '介于', en: 'between' },
  within: { zh: '在…之内', en: 'within' },
  not_within: { zh: '不在…之内', en: 'not within' },
  contains: { zh: '包含', en: 'contains' },
  not_contains: { zh: '不包含', en: 'does not contain' },
  starts_with: { zh: '开头是', en: 'starts with' },
  is_empty: { zh: '为空', en: 'is empty' },
  is_not_empty: { zh: '不为空', en: 'is not empty' },
};
export const DATE_CMP_LABELS: Partial<Record<TCmp, { zh: string; en: string }>> = {
  eq: { zh: '是', en: 'on' },
  ne: { zh: '不是', en: 'not on' },
  gt: { zh: '晚于', en: 'after' },
  gte: { zh: '不早于', en: 'on or after' },
  lt: { zh: '早于', en: 'before' },
  lte: { zh: '不晚于', en: 'on or before' },
};
export const TAG_CMP_LABELS: Partial<Record<TCmp, { zh: string; en: string }>> = {
  in: { zh: '有任一标签', en: 'has any of' },
  all: { zh: '同时有', en: 'has all of' },
  not_in: { zh: '没有这些标签', en: 'has none of' },
};

// ---------------------------------------------------------------------------
// Validation: structure plus field/comparator/value checks, each error naming the path of the bad node
// ---------------------------------------------------------------------------

export const RULE_LIMITS = { maxDepth: 6, maxConditions: 100, maxChildren: 50, maxValues: 200 } as const;

/** The shape of one node as the wire carries it (group or condition); `ZSegmentRule` checks the rest. */
type TRuleNodeWire = {
  op?: 'and' | 'or' | 'not' | undefined;
  children?: TRuleNodeWire[] | undefined;
  field?: string | undefined;
  cmp?: string | undefined;
  value?: unknown;
  period?: unknown;
  kinds?: unknown;
};
const ZRuleNodeWire: z.ZodType<TRuleNodeWire> = z.object({
  op: z.enum(['and', 'or', 'not']).optional().describe('group: and / or / not (exactly one child)'),
  get children() {
    return z.array(ZRuleNodeWire).max(RULE_LIMITS.maxChildren).optional();
  },
  field: z.string().max(64).optional().describe('condition: a field id from GET /segments/fields'),
  cmp: z.string().max(20).optional().describe('condition: a comparator the field allows'),
  value: z.unknown().optional(),
  period: z.unknown().optional().describe('records fields: {relative: {direction: "past", amount, unit}}'),
  kinds: z.unknown().optional().describe('ro.count: repair-order kinds to count'),
});

export interface TRuleIssue {
  path: (string | number)[];
  message: string;
}

const isDate = (v: unknown): v is string => typeof v === 'string' && ZDate.safeParse(v).success;
const isRelative = (v: unknown): v is TRelative => ZRelative.safeParse(v).success;
const isUuid = (v: unknown): v is string => typeof v === 'string' && ZId.safeParse(v).success;

/** Checks one value against a field and comparator; returns a message or null. */
function valueProblem(f: TSegmentField, cmp: TCmp, value: unknown): string | null {
  const noValue = cmp === 'is_empty' || cmp === 'is_not_empty';
  if (noValue) return value === undefined || value === null ? null : '此比较不需要值 / This comparison takes no value';
  const listCmp = cmp === 'in' || cmp === 'not_in' || cmp === 'all';
  const scalar = (v: unknown): string | null => {
    switch (f.type) {
      case 'number':
      case 'money':
        if (typeof v !== 'number' || !Number.isFinite(v)) return '请输入数字 / Enter a number';
        if ((f.integer || f.type === 'money') && !Number.isInteger(v)) return '请输入整数 / Enter a whole number';
        if (Math.abs(v) > 1e13) return '数字超出范围 / Number out of range';
        return null;
      case 'date':
        if (cmp === 'within' || cmp === 'not_within') return isRelative(v) ? null : '请选择相对时间，例如「近 6 个月」 / Choose a relative period, e.g. the last 6 months';
        return isDate(v) || isRelative(v) ? null : '请输入日期（YYYY-MM-DD）或相对时间 / Enter a date (YYYY-MM-DD) or a relative date';
      case 'enum':
      case 'tag':
        if (f.optionsSource || f.type === 'tag') return isUuid(v) ? null : '请选择一项 / Choose an option';
        return typeof v === 'string' && f.options?.some((o) => o.value === v) ? null : `不是可选项：${String(v)} / Not an option`;
      case 'text':
        return typeof v === 'string' && v.length > 0 && v.length <= 200 ? null : '请输入 1–200 个字符 / Enter 1–200 characters';
      case 'boolean':
        return typeof v === 'boolean' ? null : '请选择是或否 / Choose yes or no';
    }
  };
  if (listCmp) {
    if (!Array.isArray(value) || value.length === 0) return '请至少选择一项 / Choose at least one';
    if (value.length > RULE_LIMITS.maxValues) return `最多 ${RULE_LIMITS.maxValues} 项 / At most ${RULE_LIMITS.maxValues} values`;
    for (const v of value) {
      const p = scalar(v);
      if (p) return p;
    }
    return null;
  }
  if (cmp === 'between') {
    if (!Array.isArray(value) || value.length !== 2) return '请输入起止两个值 / Enter a from and a to value';
    const p = scalar(value[0]) ?? scalar(value[1]);
    if (p) return p;
    const [a, b] = value as unknown[];
    if (typeof a === 'number' && typeof b === 'number' && a > b) return '起始值不能大于结束值 / From must not exceed to';
    if (isDate(a) && isDate(b) && a > b) return '开始日期不能晚于结束日期 / From must not be after to';
    return null;
  }
  if (value === undefined || value === null) return '请输入值 / Enter a value';
  return scalar(value);
}

/** Walks a wire rule and lists every problem with its path (relative to the rule). */
export function ruleIssues(node: TRuleNodeWire, path: (string | number)[] = [], state = { depth: 0, conditions: 0 }): TRuleIssue[] {
  const issues: TRuleIssue[] = [];
  if (node.op !== undefined) {
    if (node.field !== undefined || node.cmp !== undefined) issues.push({ path, message: '一个节点不能既是分组又是条件 / A node is either a group or a condition' });
    if (state.depth + 1 > RULE_LIMITS.maxDepth) return [{ path, message: `分组最多嵌套 ${RULE_LIMITS.maxDepth} 层 / Groups nest at most ${RULE_LIMITS.maxDepth} deep` }];
    const children = node.children ?? [];
    if (node.op === 'not' && children.length !== 1) issues.push({ path: [...path, 'children'], message: '「非」分组须恰好包含一个条件或分组 / A NOT group holds exactly one child' });
    children.forEach((c, i) => issues.push(...ruleIssues(c, [...path, 'children', i], { depth: state.depth + 1, conditions: 0 })));
    return issues;
  }
  if (node.field === undefined) return [{ path, message: '请选择字段或分组 / Choose a field or a group' }];
  const f = FIELD_BY_ID.get(node.field);
  if (!f) return [{ path: [...path, 'field'], message: `未知字段：${node.field} / Unknown field` }];
  const cmp = node.cmp as TCmp;
  if (!f.cmps.includes(cmp)) return [{ path: [...path, 'cmp'], message: `「${f.label.zh}」不支持此比较：${String(node.cmp)} / Comparator not allowed for ${f.label.en}` }];
  const vp = valueProblem(f, cmp, node.value);
  if (vp) issues.push({ path: [...path, 'value'], message: vp });
  if (node.period !== undefined) {
    if (!f.period) issues.push({ path: [...path, 'period'], message: '此字段不支持时间范围 / This field takes no period' });
    else if (!isRelative(node.period) || node.period.relative.direction !== 'past') issues.push({ path: [...path, 'period'], message: '请选择「近 N 天 / 月 / 年」 / Choose a past period' });
  }
  if (node.kinds !== undefined) {
    const ok = f.kindOptions && Array.isArray(node.kinds) && node.kinds.length > 0 && node.kinds.every((k) => f.kindOptions!.some((o) => o.value === k));
    if (!ok) issues.push({ path: [...path, 'kinds'], message: '工单类型无效 / Invalid repair-order kinds' });
  }
  return issues;
}

function countConditions(node: TRuleNodeWire): number {
  return node.op !== undefined ? (node.children ?? []).reduce((n, c) => n + countConditions(c), 0) : 1;
}

/**
 * A segment rule: structure, known fields, allowed comparators, well-formed values. Every problem is reported with
 * the path of the node (`children.1.value`), so the builder can mark the exact row.
 */
export const ZSegmentRule = ZRuleNodeWire.superRefine((node, ctx) => {
  const n = countConditions(node);
  if (n > RULE_LIMITS.maxConditions) ctx.addIssue({ code: 'custom', path: [], message: `最多 ${RULE_LIMITS.maxConditions} 个条件 / At most ${RULE_LIMITS.maxConditions} conditions` });
  for (const i of ruleIssues(node)) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
}) as unknown as z.ZodType<TSegmentRule>;

// ---------------------------------------------------------------------------
// Saved segments
// ---------------------------------------------------------------------------

export const ZSegmentStaffRef = z.object({ id: ZId, displayName: z.string() });
export const ZSegment = z.object({
  id: ZId,
  /** null = group-wide (visible to every store; each user counts their own store's customers). */
  storeId: ZId.nullable(),
  storeName: z.string().nullable(),
  name: z.string(),
  description: z.string(),
  rule: ZRuleNodeWire,
  createdBy: ZSegmentStaffRef.nullable(),
  /** Counted in the segment's own scope (its store, or the group); null for a store user viewing a group segment. */
  lastCount: z.number().int().nullable(),
  lastCountedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const ZSegmentCreate = z.object({
  /** Group admins: a store, or null/absent for a group-wide segment. Others: their own store (or absent). */
  storeId: ZId.nullable().optional(),
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).optional(),
  rule: ZSegmentRule,
});
export const ZSegmentUpdate = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(1000).optional(),
  rule: ZSegmentRule.optional(),
});
export const ZSegmentListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(100).optional(),
});
export const ZSegmentPreviewIn = z.object({ rule: ZSegmentRule });
export const ZSegmentPreview = z.object({
  count: z.number().int(),
  sample: z.array(ZCustomerListItem),
  /** The business day relative dates were counted from. */
  asOf: ZDate,
});
export const ZSegmentList = z.object({ items: z.array(ZSegment), nextCursor: z.string().nullable() });
export const ZSegmentCustomers = z.object({ items: z.array(ZCustomerListItem), nextCursor: z.string().nullable() });

export const ZSegmentFieldsOut = z.object({
  groups: z.array(z.object({ key: z.string(), zh: z.string(), en: z.string() })),
  fields: z.array(
    z.object({
      id: z.string(),
      group: z.string(),
      label: z.object({ zh: z.string(), en: z.string() }),
      type: z.enum(FIELD_TYPES),
      cmps: z.array(z.object({ cmp: z.enum(COMPARATORS), zh: z.string(), en: z.string() })),
      options: z.array(z.object({ value: z.string(), zh: z.string(), en: z.string() })).optional(),
      optionsSource: z.string().optional(),
      multi: z.boolean().optional(),
      integer: z.boolean().optional(),
      unit: z.object({ zh: z.string(), en: z.string() }).optional(),
      period: z.boolean().optional(),
      kindOptions: z.array(z.object({ value: z.string(), zh: z.string(), en: z.string() })).optional(),
      hint: z.object({ zh: z.string(), en: z.string() }).optional(),
    }),
  ),
  relativeUnits: z.array(z.object({ unit: z.enum(RELATIVE_UNITS), zh: z.string(), en: z.string() })),
});

export type TSegment = z.infer<typeof ZSegment>;
export type TSegmentCreate = z.infer<typeof ZSegmentCreate>;
export type TSegmentUpdate = z.infer<typeof ZSegmentUpdate>;
export type TSegmentListQuery = z.infer<typeof ZSegmentListQuery>;
export type TSegmentPreview = z.infer<typeof ZSegmentPreview>;
export type TSegmentFieldsOut = z.infer<typeof ZSegmentFieldsOut>;
