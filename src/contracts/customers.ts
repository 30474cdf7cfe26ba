/**
 * Request and response shapes of the customers module (`/customers`, `/tags`), shared by the API and the console.
 * Phone and ID numbers only ever leave the server masked; `POST /customers/{id}/reveal` is the one audited way to
 * see a full value.
 */
import { z } from 'zod';
import { ZDate, ZId, ZListQuery, zPage } from './common.js';
import { ZChurnRisk, ZCustomerListFacts, ZLifecycleStage, ZNeed, ZValueTier } from './facts.js';
import { ZMobile } from './validators.js';

export const GENDERS = ['male', 'female', 'unknown'] as const;
export const CUSTOMER_STATUSES = ['active', 'merged', 'erased'] as const;
export const CONSENT_CHANNELS = ['sms', 'wechat', 'phone', 'email'] as const;
export const CONSENT_PURPOSES = ['service', 'marketing'] as const;
export const INTERACTION_KINDS = ['call', 'visit', 'wechat', 'sms', 'email', 'note'] as const;
export const INTERACTION_DIRECTIONS = ['inbound', 'outbound'] as const;
export const CUSTOMER_SORTS = ['created_desc', 'created_asc', 'name_asc', 'name_desc'] as const;
export const REVEAL_FIELDS = ['mobile', 'idNumber'] as const;
export const TIMELINE_KINDS = ['created', 'interaction', 'sales_order', 'milestone', 'repair_order', 'ro_stage', 'behaviour', 'appointment', 'journey', 'task'] as const;

export const ZGender = z.enum(GENDERS);
export const ZCustomerStatus = z.enum(CUSTOMER_STATUSES);
export const ZConsentChannel = z.enum(CONSENT_CHANNELS);
export const ZConsentPurpose = z.enum(CONSENT_PURPOSES);
export const ZInteractionKind = z.enum(INTERACTION_KINDS);
export const ZInteractionDirection = z.enum(INTERACTION_DIRECTIONS);
export const ZCustomerSort = z.enum(CUSTOMER_SORTS);
export const ZRevealField = z.enum(REVEAL_FIELDS);
export const ZTimelineKind = z.enum(TIMELINE_KINDS);

/** A staff member as shown next to a record (owning consultant, advisor, who logged a call). */
export const ZStaffRef = z.object({ id: ZId, displayName: z.string() });
export const ZTagRef = z.object({ id: ZId, name: z.string(), color: z.string() });
export const ZTag = ZTagRef.extend({ kind: z.string() });

const TAG_COLOR = /^(#[0-9a-fA-F]{6}|[a-z]{3,12})$/;
export const ZTagCreate = z.object({
  name: z.string().trim().min(1).max(30),
  color: z.string().trim().regex(TAG_COLOR, '颜色格式不正确 / Invalid colour').optional(),
});
/** Tag a customer with an existing tag (`tagId`) or by name (a new tag is created when the name is unknown). */
export const ZCustomerTagAdd = z
  .object({ tagId: ZId.optional(), name: z.string().trim().min(1).max(30).optional() })
  .refine((v) => (v.tagId === undefined) !== (v.name === undefined), { message: '请提供 tagId 或 name 之一 / Give either tagId or name', path: ['tagId'] });

// ---------------------------------------------------------------------------
// Create / update
// ---------------------------------------------------------------------------

/** An ISO 8601 instant with offset (`2026-11-20T09:30:00Z`), parsed to a Date. */
const ZInstant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const text = (max: number) => z.string().trim().max(max);
/** Mainland resident ID (18), HK/Macau/Taiwan permits and passports: letters and digits only, stored upper-case. */
const ZIdNumber = z
  .string()
  .trim()
  .transform((s) => s.replace(/\s+/g, '').toUpperCase())
  .pipe(z.string().regex(/^[0-9A-Z]{6,30}$/, '证件号码格式不正确 / Invalid ID number'));

const customerFields = {
  storeId: ZId.optional(),
  name: z.string().trim().min(1, '请输入姓名 / Name is required').max(50),
  gender: ZGender.optional(),
  /** Not in the future (checked against the store's calendar by the server). */
  birthday: ZDate.refine((d) => d >= '1900-01-01', '生日不正确 / Invalid birthday').nullable().optional(),
  mobile: ZMobile,
  email: z.email('邮箱格式不正确 / Invalid email').max(200).nullable().optional(),
  city: text(50).optional(),
  occupation: text(100).optional(),
  householdNotes: text(1000).optional(),
  sourceChannel: text(50).optional(),
  salesConsultantId: ZId.nullable().optional(),
  serviceAdvisorId: ZId.nullable().optional(),
  idNumber: ZIdNumber.nullable().optional(),
  wechatOpenid: z.string().trim().min(1).max(64).nullable().optional(),
};
export const ZCustomerCreate = z.object(customerFields);
/** Same fields as create, all optional; the mobile can be changed but not removed. */
export const ZCustomerUpdate = z.object(customerFields).partial();

// ---------------------------------------------------------------------------
// List
// ---------------------------------------------------------------------------

/** A comma-separated query value (`a,b`) checked item by item; duplicates are dropped. */
function csvOf<T extends z.ZodType<string, string> & { options: readonly string[] }>(item: T, max: number) {
  return z
    .string()
    .max(200)
    .describe(`comma-separated, any of: ${item.options.join(', ')}`)
    .transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))])
    .pipe(z.array(item).min(1, '请至少选择一项 / Choose at least one').max(max));
}

export const ZCustomerListQuery = ZListQuery.extend({
  /** 4 digits → mobile last 4; a full mobile → exact; a plate → plate; 6–17 letters+digits → VIN contains; else name. */
  q: z.string().trim().max(100).optional(),
  storeId: ZId.optional(),
  tagId: ZId.optional(),
  consultantId: ZId.optional(),
  advisorId: ZId.optional(),
  modelId: ZId.optional(),
  purchasedFrom: ZDate.optional(),
  purchasedTo: ZDate.optional(),
  // Derived facts (customer_facts). A customer without facts yet matches none of these filters.
  /** Any of these lifecycle stages, comma-separated: `regular,replacement`. */
  lifecycleStage: csvOf(ZLifecycleStage, 4).optional(),
  /** Any of these value tiers, comma-separated. */
  valueTier: csvOf(ZValueTier, 3).optional(),
  /** Has any of these needs, comma-separated. */
  needs: csvOf(ZNeed, 3).optional(),
  /** Any of these churn risks, comma-separated. */
  churnRisk: csvOf(ZChurnRisk, 3).optional(),
  /** Trade-in score at least this (0–100). */
  tradeInScoreMin: z.coerce.number().int().min(0).max(100).optional(),
  /** Next maintenance due from today up to this many days ahead (0 = today), in the group's time zone. */
  maintenanceDueInDays: z.coerce.number().int().min(0).max(730).optional(),
  /** Last visit before this day (a customer who never visited does not match). */
  lastVisitBefore: ZDate.optional(),
  sort: ZCustomerSort.default('created_desc'),
});

export const ZCustomerVehicleRef = z.object({ id: ZId, plate: z.string().nullable(), vin: z.string(), modelName: z.string().nullable() });
export const ZCustomerListItem = z.object({
  id: ZId,
  name: z.string(),
  gender: ZGender,
  mobileMasked: z.string().nullable(),
  city: z.string(),
  storeId: ZId,
  storeName: z.string(),
  salesConsultant: ZStaffRef.nullable(),
  serviceAdvisor: ZStaffRef.nullable(),
  tags: z.array(ZTagRef),
  vehicles: z.array(ZCustomerVehicleRef),
  createdAt: z.date(),
  /** Derived facts for the list's optional columns; null when not computed yet. */
  facts: ZCustomerListFacts.nullable().optional(),
});
export const ZCustomerList = zPage(ZCustomerListItem);

// ---------------------------------------------------------------------------
// The 360 view
// ---------------------------------------------------------------------------

export const ZCustomer = z.object({
  id: ZId,
  storeId: ZId,
  storeName: z.string(),
  name: z.string(),
  gender: ZGender,
  birthday: z.string().nullable(),
  mobileMasked: z.string().nullable(),
  idNumberMasked: z.string().nullable(),
  email: z.string().nullable(),
  city: z.string(),
  occupation: z.string(),
  householdNotes: z.string(),
  sourceChannel: z.string(),
  /** Whether a WeChat openid is linked (the id itself is not shown). */
  wechatBound: z.boolean(),
  salesConsultant: ZStaffRef.nullable(),
  serviceAdvisor: ZStaffRef.nullable(),
  status: ZCustomerStatus,
  mergedIntoId: ZId.nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const ZConsent = z.object({
  channel: ZConsentChannel,
  purpose: ZConsentPurpose,
  granted: z.boolean(),
  source: z.string(),
  recordedAt: z.date(),
  recordedBy: ZStaffRef.nullable(),
});
export const ZConsentPut = z.object({ granted: z.boolean(), source: z.string().trim().min(1, '请填写授权来源 / Source is required').max(100) });

export const ZCustomerVehicle = z.object({
  id: ZId,
  storeId: ZId,
  vin: z.string(),
  plate: z.string().nullable(),
  modelId: ZId.nullable(),
  modelName: z.string().nullable(),
  brand: z.string().nullable(),
  color: z.string(),
  purchaseDate: z.string().nullable(),
  deliveryDate: z.string().nullable(),
  lastMileageKm: z.number().int().nullable(),
  lastMileageAt: z.string().nullable(),
  insuranceExpiry: z.string().nullable(),
  warrantyEnd: z.string().nullable(),
  status: z.string(),
});

export const ZCustomerSalesOrder = z.object({
  id: ZId,
  orderNo: z.string(),
  storeId: ZId,
  vehicleId: ZId.nullable(),
  modelName: z.string().nullable(),
  consultant: ZStaffRef.nullable(),
  priceFen: z.number().int(),
  status: z.string(),
  milestone: z.string(),
  orderedAt: z.date(),
  deliveredAt: z.date().nullable(),
  note: z.string(),
  milestones: z.array(z.object({ milestone: z.string(), at: z.date(), note: z.string(), photos: z.array(z.string()) })),
});

export const ZCustomerRepairOrder = z.object({
  id: ZId,
  roNo: z.string(),
  storeId: ZId,
  vehicleId: ZId,
  plate: z.string().nullable(),
  advisor: ZStaffRef.nullable(),
  kind: z.string(),
  mileageKm: z.number().int().nullable(),
  labourFen: z.number().int(),
  partsFen: z.number().int(),
  totalFen: z.number().int(),
  faultCodes: z.array(z.string()),
  stage: z.string(),
  openedAt: z.date(),
  closedAt: z.date().nullable(),
  note: z.string(),
  stages: z.array(z.object({ stage: z.string(), at: z.date(), note: z.string() })),
});

export const ZInteraction = z.object({
  id: ZId,
  customerId: ZId,
  kind: ZInteractionKind,
  direction: z.string(),
  occurredAt: z.date(),
  outcome: z.string(),
  summary: z.string(),
  staff: ZStaffRef.nullable(),
  createdAt: z.date(),
});
export const ZInteractionCreate = z.object({
  kind: ZInteractionKind,
  direction: ZInteractionDirection.optional(),
  occurredAt: ZInstant.optional(),
  outcome: text(100).optional(),
  summary: z.string().trim().min(1, '请填写内容 / Summary is required').max(2000),
});

export const ZBehaviourEvent = z.object({
  id: ZId,
  customerId: ZId,
  kind: z.string(),
  payload: z.record(z.string(), z.unknown()),
  occurredAt: z.date(),
});
export const ZBehaviourEventCreate = z.object({
  /** e.g. `model.viewed`, `loan.calculated`, `valuation.requested`, `event.registered`. */
  kind: z.string().trim().regex(/^[a-z][a-z0-9_.:-]{0,59}$/, '行为类型格式不正确 / Invalid kind'),
  payload: z
    .record(z.string().max(60), z.unknown())
    .refine((p) => JSON.stringify(p).length <= 4000, '附加数据过大 / Payload too large')
    .optional(),
  occurredAt: ZInstant.optional(),
});

export const ZTimelineEntry = z.object({ at: z.date(), kind: ZTimelineKind, title: z.string(), detail: z.string(), refId: z.string().nullable() });

export const ZCustomer360 = z.object({
  customer: ZCustomer,
  consents: z.array(ZConsent),
  tags: z.array(ZTagRef),
  vehicles: z.array(ZCustomerVehicle),
  salesOrders: z.array(ZCustomerSalesOrder),
  /** Latest 50. */
  repairOrders: z.array(ZCustomerRepairOrder),
  /** Latest 50. */
  interactions: z.array(ZInteraction),
  /** Latest 50. */
  behaviourEvents: z.array(ZBehaviourEvent),
  /** Everything above merged, newest first, at most 100. */
  timeline: z.array(ZTimelineEntry),
});

export const ZReveal = z.object({ field: ZRevealField });
export const ZRevealResult = z.object({ value: z.string().nullable() });
export const ZCustomerMerge = z.object({ sourceId: ZId });

export type TGender = z.infer<typeof ZGender>;
export type TCustomerStatus = z.infer<typeof ZCustomerStatus>;
export type TConsentChannel = z.infer<typeof ZConsentChannel>;
export type TConsentPurpose = z.infer<typeof ZConsentPurpose>;
export type TInteractionKind = z.infer<typeof ZInteractionKind>;
export type TCustomerSort = z.infer<typeof ZCustomerSort>;
export type TRevealField = z.infer<typeof ZRevealField>;
export type TTimelineKind = z.infer<typeof ZTimelineKind>;
export type TStaffRef = z.infer<typeof ZStaffRef>;
export type TTagRef = z.infer<typeof ZTagRef>;
export type TTag = z.infer<typeof ZTag>;
export type TTagCreate = z.infer<typeof ZTagCreate>;
export type TCustomerTagAdd = z.infer<typeof ZCustomerTagAdd>;
export type TCustomerCreate = z.infer<typeof ZCustomerCreate>;
export type TCustomerUpdate = z.infer<typeof ZCustomerUpdate>;
export type TCustomerListQuery = z.infer<typeof ZCustomerListQuery>;
export type TCustomerListItem = z.infer<typeof ZCustomerListItem>;
export type TCustomerList = z.infer<typeof ZCustomerList>;
export type TCustomer = z.infer<typeof ZCustomer>;
export type TConsent = z.infer<typeof ZConsent>;
export type TConsentPut = z.infer<typeof ZConsentPut>;
export type TCustomerVehicle = z.infer<typeof ZCustomerVehicle>;
export type TCustomerSalesOrder = z.infer<typeof ZCustomerSalesOrder>;
export type TCustomerRepairOrder = z.infer<typeof ZCustomerRepairOrder>;
export type TInteraction = z.infer<typeof ZInteraction>;
export type TInteractionCreate = z.infer<typeof ZInteractionCreate>;
export type TBehaviourEvent = z.infer<typeof ZBehaviourEvent>;
export type TBehaviourEventCreate = z.infer<typeof ZBehaviourEventCreate>;
export type TTimelineEntry = z.infer<typeof ZTimelineEntry>;
export type TCustomer360 = z.infer<typeof ZCustomer360>;
export type TReveal = z.infer<typeof ZReveal>;
export type TRevealResult = z.infer<typeof ZRevealResult>;
export type TCustomerMerge = z.infer<typeof ZCustomerMerge>;
