import { z } from 'zod';
import { ZId } from './common.js';
import { optionKeys, ZStaffRef } from './vehicles.js';

export const COMPLAINT_CHANNELS = [
  { key: 'hotline', zh: '热线电话', en: 'Hotline' },
  { key: 'in_store', zh: '到店', en: 'In store' },
  { key: 'wechat', zh: '微信', en: 'WeChat' },
  { key: 'portal', zh: '车主端', en: 'Owner portal' },
  { key: 'survey', zh: '满意度调查（贬损者）', en: 'Survey detractor' },
] as const;

export const COMPLAINT_SEVERITIES = [
  { key: 'normal', zh: '一般', en: 'Normal' },
  { key: 'urgent', zh: '紧急', en: 'Urgent' },
] as const;

export const COMPLAINT_TYPES = [
  { key: 'attitude', zh: '服务态度', en: 'Service attitude' },
  { key: 'technical', zh: '技术问题', en: 'Technical' },
  { key: 'fee', zh: '费用争议', en: 'Fee dispute' },
  { key: 'waiting', zh: '等待时间', en: 'Waiting time' },
  { key: 'parts', zh: '配件问题', en: 'Parts' },
  { key: 'other', zh: '其他', en: 'Other' },
] as const;

/** received → acknowledged → resolved → feedback given → revisited → closed; reopened goes back to work. */
export const COMPLAINT_STATUSES = [
  { key: 'received', zh: '已受理', en: 'Received' },
  { key: 'acknowledged', zh: '已响应', en: 'Acknowledged' },
  { key: 'resolved', zh: '已解决', en: 'Resolved' },
  { key: 'feedback_given', zh: '已反馈', en: 'Feedback given' },
  { key: 'closed', zh: '已关闭', en: 'Closed' },
  { key: 'reopened', zh: '已重开', en: 'Reopened' },
] as const;

/** The four SLA clocks of a complaint. */
export const SLA_STAGES = [
  { key: 'acknowledge', zh: '响应', en: 'Acknowledge' },
  { key: 'resolve', zh: '解决', en: 'Resolve' },
  { key: 'feedback', zh: '反馈客户', en: 'Feedback' },
  { key: 'revisit', zh: '回访', en: 'Revisit' },
] as const;

export const COMPENSATION_KINDS = [
  { key: 'coupon', zh: '优惠券（如免费洗车/保养）', en: 'Coupon (free wash, free maintenance)' },
  { key: 'points', zh: '积分', en: 'Points' },
  { key: 'cash', zh: '费用减免', en: 'Fee waiver' },
] as const;

export const TIMELINE_KINDS = [
  { key: 'received', zh: '受理', en: 'Received' },
  { key: 'assigned', zh: '分派', en: 'Assigned' },
  { key: 'acknowledged', zh: '响应', en: 'Acknowledged' },
  { key: 'note', zh: '备注', en: 'Note' },
  { key: 'paused', zh: '暂停计时', en: 'Clock paused' },
  { key: 'resumed', zh: '恢复计时', en: 'Clock resumed' },
  { key: 'resolved', zh: '解决', en: 'Resolved' },
  { key: 'feedback', zh: '反馈客户', en: 'Feedback given' },
  { key: 'revisit', zh: '回访', en: 'Revisit' },
  { key: 'closed', zh: '关闭', en: 'Closed' },
  { key: 'reopened', zh: '重开', en: 'Reopened' },
  { key: 'compensation', zh: '补偿', en: 'Compensation' },
  { key: 'warning', zh: '即将超时', en: 'SLA warning' },
  { key: 'escalated', zh: '升级', en: 'Escalated' },
] as const;

export const ROUTING_ROLES = ['store_manager', 'service', 'sales', 'cx'] as const;

export const ZComplaintChannel = z.enum(optionKeys(COMPLAINT_CHANNELS));
export const ZComplaintSeverity = z.enum(optionKeys(COMPLAINT_SEVERITIES));
export const ZComplaintType = z.enum(optionKeys(COMPLAINT_TYPES));
export const ZComplaintStatus = z.enum(optionKeys(COMPLAINT_STATUSES));
export const ZSlaStage = z.enum(optionKeys(SLA_STAGES));
export const ZCompensationKind = z.enum(optionKeys(COMPENSATION_KINDS));
export const ZTimelineKind = z.enum(optionKeys(TIMELINE_KINDS));
export const ZRoutingRole = z.enum(ROUTING_ROLES);
export type TComplaintChannel = z.infer<typeof ZComplaintChannel>;
export type TComplaintSeverity = z.infer<typeof ZComplaintSeverity>;
export type TComplaintType = z.infer<typeof ZComplaintType>;
export type TComplaintStatus = z.infer<typeof ZComplaintStatus>;
export type TSlaStage = z.infer<typeof ZSlaStage>;
export type TCompensationKind = z.infer<typeof ZCompensationKind>;
export type TTimelineKind = z.infer<typeof ZTimelineKind>;
export type TRoutingRole = z.infer<typeof ZRoutingRole>;

const ZText = (max: number) => z.string().trim().max(max);

export const ZComplaintCreate = z.object({
  customerId: ZId,
  vehicleId: ZId.nullish(),
  channel: ZComplaintChannel.exclude(['survey', 'portal']),
  severity: ZComplaintSeverity.default('normal'),
  type: ZComplaintType,
  title: ZText(200).min(1),
  description: ZText(4000).default(''),
  /** Overrides the routing rules. */
  assigneeStaffId: ZId.optional(),
});
export type TComplaintCreate = z.input<typeof ZComplaintCreate>;

export const ZClock = z.object({
  stage: ZSlaStage,
  budgetMinutes: z.number().int(),
  dueAt: z.date().nullable(),
  warnAt: z.date().nullable(),
  running: z.boolean(),
  remainingMinutes: z.number().int(),
  metAt: z.date().nullable(),
  breached: z.boolean(),
  escalationLevel: z.number().int(),
});
export type TClock = z.infer<typeof ZClock>;

export const ZTimelineEntry = z.object({
  id: ZId,
  kind: ZTimelineKind,
  at: z.date(),
  actorName: z.string(),
  note: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type TTimelineEntry = z.infer<typeof ZTimelineEntry>;

export const ZCompensation = z.object({
  id: ZId,
  kind: ZCompensationKind,
  /** Fen for a coupon or fee waiver, points for points. */
  amount: z.number().int(),
  note: z.string(),
  status: z.enum(['recorded', 'issued']),
  externalRef: z.string().nullable(),
  createdAt: z.date(),
});
export type TCompensation = z.infer<typeof ZCompensation>;

export const ZComplaint = z.object({
  id: ZId,
  number: z.string(),
  storeId: ZId,
  storeName: z.string(),
  customer: z.object({ id: ZId, name: z.string() }),
  vehicle: z.object({ id: ZId, plate: z.string().nullable() }).nullable(),
  channel: ZComplaintChannel,
  severity: ZComplaintSeverity,
  type: ZComplaintType,
  title: z.string(),
  description: z.string(),
  status: ZComplaintStatus,
  assignee: ZStaffRef.nullable(),
  advisor: ZStaffRef.nullable(),
  paused: z.boolean(),
  rootCause: z.string(),
  resolution: z.string(),
  satisfied: z.boolean().nullable(),
  satisfactionScore: z.number().int().nullable(),
  reopenCount: z.number().int(),
  escalationLevel: z.number().int(),
  escalatedTo: ZStaffRef.nullable(),
  surveyResponseId: ZId.nullable(),
  receivedAt: z.date(),
  acknowledgedAt: z.date().nullable(),
  resolvedAt: z.date().nullable(),
  feedbackAt: z.date().nullable(),
  revisitedAt: z.date().nullable(),
  closedAt: z.date().nullable(),
  /** The clock that runs next out (for the list's countdown). */
  nextDueAt: z.date().nullable(),
  breached: z.boolean(),
  clocks: z.array(ZClock),
});
export type TComplaint = z.infer<typeof ZComplaint>;

export const ZComplaintDetail = ZComplaint.extend({
  timeline: z.array(ZTimelineEntry),
  compensations: z.array(ZCompensation),
  surveyAnswers: z.array(z.object({ question: z.string(), answer: z.string() })),
});
export type TComplaintDetail = z.infer<typeof ZComplaintDetail>;

export const ZComplaintListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  status: z.enum([...optionKeys(COMPLAINT_STATUSES), 'open'] as const).optional(),
  type: ZComplaintType.optional(),
  severity: ZComplaintSeverity.optional(),
  customerId: ZId.optional(),
  assigneeId: ZId.optional(),
  storeId: ZId.optional(),
  breached: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  q: ZText(100).optional(),
});
export type TComplaintListQuery = z.infer<typeof ZComplaintListQuery>;

export const ZComplaintNote = z.object({ note: ZText(2000).default('') });
export const ZComplaintResolve = z.object({ rootCause: ZText(500).min(1), resolution: ZText(2000).min(1) });
export const ZComplaintRevisit = z.object({ satisfied: z.boolean(), score: z.number().int().min(1).max(5).optional(), note: ZText(2000).default('') });
export const ZComplaintReopen = z.object({ reason: ZText(2000).min(1) });
export const ZComplaintAssign = z.object({ staffId: ZId, note: ZText(2000).default('') });
export const ZCompensationCreate = z.object({ kind: ZCompensationKind, amount: z.number().int().min(1).max(100_000_000), note: ZText(500).default('') });
export type TComplaintResolve = z.infer<typeof ZComplaintResolve>;
export type TComplaintRevisit = z.input<typeof ZComplaintRevisit>;
export type TCompensationCreate = z.input<typeof ZCompensationCreate>;

/** A store's SLA budgets and business hours (every number a setting, defaults in complaints/rules.ts). */
export const ZComplaintSettingsInput = z.object({
  acknowledgeMinutes: z.number().int().min(1).max(100_000),
  resolveUrgentMinutes: z.number().int().min(1).max(100_000),
  resolveNormalMinutes: z.number().int().min(1).max(100_000),
  feedbackMinutes: z.number().int().min(1).max(100_000),
  revisitMinutes: z.number().int().min(1).max(100_000),
  /** Warn when this share of a clock's budget is used (percent). */
  warnPercent: z.number().int().min(1).max(99),
  /** After a breach reaches the store manager, how long until it goes on to the CX officer. */
  escalateCxAfterMinutes: z.number().int().min(1).max(100_000),
  businessHours: z
    .object({
      /** ISO weekdays 1 (Mon) … 7 (Sun). */
      days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
      open: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      close: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/),
    })
    .refine((b) => b.open < b.close, '开始时间须早于结束时间 / Opening must be before closing')
    .nullable(),
});
export type TComplaintSettingsInput = z.infer<typeof ZComplaintSettingsInput>;
export const ZComplaintSettings = ZComplaintSettingsInput.extend({ storeId: ZId, timezone: z.string(), isDefault: z.boolean() });
export type TComplaintSettings = z.infer<typeof ZComplaintSettings>;

export const ZRoutingRule = z.object({ type: ZComplaintType, role: ZRoutingRole, staff: ZStaffRef.nullable() });
export const ZRoutingRules = z.object({ storeId: ZId, rules: z.array(ZRoutingRule) });
export const ZRoutingRulesInput = z.object({ rules: z.array(z.object({ type: ZComplaintType, role: ZRoutingRole, staffId: ZId.nullable().default(null) })).max(20) });
export type TRoutingRules = z.infer<typeof ZRoutingRules>;
export type TRoutingRulesInput = z.input<typeof ZRoutingRulesInput>;

export const ZWeeklyQuery = z.object({
  storeId: ZId.optional(),
  /** Any day of the week to analyse (the week runs Monday to Sunday in the store's time zone); default this week. */
  week: z.iso.date().optional(),
  /** How many weeks the trend shows (this one included). */
  weeks: z.coerce.number().int().min(2).max(26).default(8),
});
export type TWeeklyQuery = z.infer<typeof ZWeeklyQuery>;

const ZCount = z.number().int();
export const ZSlaCompliance = z.object({ stage: ZSlaStage, onTime: ZCount, late: ZCount, compliance: z.number().nullable() });
export const ZWeeklyAnalysis = z.object({
  from: z.date(),
  to: z.date(),
  timezone: z.string(),
  totals: z.object({ received: ZCount, closed: ZCount, open: ZCount, urgent: ZCount, reopened: ZCount, previousReceived: ZCount }),
  byType: z.array(z.object({ type: ZComplaintType, count: ZCount, previous: ZCount })),
  byRootCause: z.array(z.object({ rootCause: z.string(), count: ZCount })),
  byStore: z.array(z.object({ storeId: ZId, storeName: z.string(), count: ZCount, compliance: z.number().nullable() })),
  byAdvisor: z.array(z.object({ staff: ZStaffRef.nullable(), count: ZCount })),
  repeatComplainants: z.array(z.object({ customer: z.object({ id: ZId, name: z.string() }), count: ZCount, lastAt: z.date() })),
  sla: z.array(ZSlaCompliance),
  compliance: z.number().nullable(),
  trend: z.array(z.object({ weekStart: z.iso.date(), received: ZCount, compliance: z.number().nullable() })),
});
export type TWeeklyAnalysis = z.infer<typeof ZWeeklyAnalysis>;
