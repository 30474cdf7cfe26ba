import { z } from 'zod';
import { ZId } from './common.js';
import { optionKeys, ZStaffRef } from './vehicles.js';

export const SURVEY_TOUCHPOINTS = [
  { key: 'delivery', zh: '交车后（第7天）', en: 'After delivery (day 7)' },
  { key: 'service', zh: '维修保养后（次日）', en: 'After service (next day)' },
  { key: 'event', zh: '活动后（24小时内）', en: 'After an event (within 24 h)' },
  { key: 'complaint_revisit', zh: '投诉回访后', en: 'After a complaint revisit' },
  { key: 'other', zh: '其他', en: 'Other' },
] as const;

export const QUESTION_KINDS = [
  { key: 'nps', zh: '推荐意愿（0–10）', en: 'NPS (0–10)' },
  { key: 'csat', zh: '满意度（1–5）', en: 'CSAT (1–5)' },
  { key: 'single', zh: '单选', en: 'Single choice' },
  { key: 'multiple', zh: '多选', en: 'Multiple choice' },
  { key: 'text', zh: '文字', en: 'Text' },
] as const;

export const DETRACTOR_ACTIONS = [
  { key: 'complaint', zh: '生成投诉', en: 'Open a complaint' },
  { key: 'task', zh: '生成关怀任务', en: 'Create a care task' },
] as const;

export const ZSurveyTouchpoint = z.enum(optionKeys(SURVEY_TOUCHPOINTS));
export const ZQuestionKind = z.enum(optionKeys(QUESTION_KINDS));
export const ZDetractorAction = z.enum(optionKeys(DETRACTOR_ACTIONS));
export type TSurveyTouchpoint = z.infer<typeof ZSurveyTouchpoint>;
export type TQuestionKind = z.infer<typeof ZQuestionKind>;
export type TDetractorAction = z.infer<typeof ZDetractorAction>;

const ZText = (max: number) => z.string().trim().max(max);

export const ZQuestion = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]{0,19}$/),
  kind: ZQuestionKind,
  label: ZText(300).min(1),
  required: z.boolean().default(true),
  options: z.array(z.object({ value: z.string().regex(/^[a-z0-9_]{1,20}$/), label: ZText(100).min(1) })).max(20).default([]),
  /** Shown only when an earlier question's answer is one of `values` (numbers for NPS/CSAT, option values for choices). */
  showIf: z.object({ questionId: z.string().max(20), values: z.array(z.union([z.number().int(), z.string().max(20)])).min(1).max(20) }).nullable().default(null),
});
export type TQuestion = z.infer<typeof ZQuestion>;

export const ZSurveyTemplateInput = z.object({
  name: ZText(100).min(1),
  touchpoint: ZSurveyTouchpoint,
  intro: ZText(500).default(''),
  questions: z.array(ZQuestion).min(1).max(30),
  expiresAfterDays: z.number().int().min(1).max(90).default(14),
  reminderAfterHours: z.number().int().min(1).max(24 * 30).default(48),
  detractorAction: ZDetractorAction.default('complaint'),
  active: z.boolean().default(true),
});
export type TSurveyTemplateInput = z.input<typeof ZSurveyTemplateInput>;

export const ZSurveyTemplate = z.object({
  id: ZId,
  storeId: ZId.nullable(),
  code: z.string().nullable(),
  name: z.string(),
  touchpoint: ZSurveyTouchpoint,
  intro: z.string(),
  questions: z.array(ZQuestion),
  expiresAfterDays: z.number().int(),
  reminderAfterHours: z.number().int(),
  detractorAction: ZDetractorAction,
  active: z.boolean(),
  updatedAt: z.date(),
});
export type TSurveyTemplate = z.infer<typeof ZSurveyTemplate>;

/** What the public survey page gets for a token: the questions, nothing about the owner but a greeting. */
export const ZPublicSurvey = z.object({
  name: z.string(),
  intro: z.string(),
  storeName: z.string(),
  questions: z.array(ZQuestion),
  expiresAt: z.date(),
});
export type TPublicSurvey = z.infer<typeof ZPublicSurvey>;

export const ZAnswerValue = z.union([z.number().int().min(0).max(10), ZText(2000), z.array(z.string().max(20)).max(20)]);
export const ZSurveyAnswerInput = z.object({ answers: z.record(z.string().max(20), ZAnswerValue).refine((a) => Object.keys(a).length <= 30, 'too many answers') });
export type TSurveyAnswerInput = z.infer<typeof ZSurveyAnswerInput>;
export const ZSurveyAnswerResult = z.object({ ok: z.literal(true), thanks: z.string() });

export const ZSurveyResponse = z.object({
  id: ZId,
  storeId: ZId,
  customer: z.object({ id: ZId, name: z.string() }),
  templateName: z.string(),
  touchpoint: ZSurveyTouchpoint,
  nps: z.number().int().nullable(),
  csat: z.number().int().nullable(),
  verbatim: z.string(),
  answers: z.array(z.object({ question: z.string(), answer: z.string() })),
  advisor: ZStaffRef.nullable(),
  consultant: ZStaffRef.nullable(),
  complaintId: ZId.nullable(),
  taskId: ZId.nullable(),
  submittedAt: z.date(),
});
export type TSurveyResponse = z.infer<typeof ZSurveyResponse>;

export const ZSurveyInvite = z.object({ customerId: ZId, vehicleId: ZId.nullish(), templateId: ZId });
export const ZSurveyInvitation = z.object({ id: ZId, link: z.string(), expiresAt: z.date() });

export const NPS_GROUP_BY = ['store', 'advisor', 'consultant', 'touchpoint'] as const;
export const ZNpsQuery = z.object({
  storeId: ZId.optional(),
  touchpoint: ZSurveyTouchpoint.optional(),
  groupBy: z.enum(NPS_GROUP_BY).default('store'),
  interval: z.enum(['week', 'month']).default('week'),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export type TNpsQuery = z.infer<typeof ZNpsQuery>;
const ZScore = z.object({ n: z.number().int(), promoters: z.number().int(), passives: z.number().int(), detractors: z.number().int(), nps: z.number().nullable(), csat: z.number().nullable(), csatN: z.number().int() });
export const ZNpsReport = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  target: z.number(),
  overall: ZScore,
  /** Invitations sent in the period (same store, touchpoint and scope) and how many were answered: the response rate. */
  invitations: z.object({ sent: z.number().int(), answered: z.number().int(), rate: z.number().nullable() }),
  groups: z.array(ZScore.extend({ key: z.string(), label: z.string() })),
  trend: z.array(ZScore.extend({ period: z.iso.date() })),
  verbatims: z.array(z.object({ id: ZId, customerName: z.string(), nps: z.number().int().nullable(), csat: z.number().int().nullable(), touchpoint: ZSurveyTouchpoint, verbatim: z.string(), submittedAt: z.date() })),
});
export type TNpsReport = z.infer<typeof ZNpsReport>;
export const ZResponsesQuery = z.object({
  storeId: ZId.optional(),
  customerId: ZId.optional(),
  touchpoint: ZSurveyTouchpoint.optional(),
  advisorId: ZId.optional(),
  consultantId: ZId.optional(),
  group: z.enum(['promoter', 'passive', 'detractor']).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
