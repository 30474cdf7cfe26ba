import { z } from 'zod';
import { ZId } from './common.js';
import { optionKeys, ZStaffRef } from './vehicles.js';

export const MESSAGE_CHANNELS = [
  { key: 'sms', zh: '短信', en: 'SMS' },
  { key: 'wechat', zh: '微信', en: 'WeChat' },
  { key: 'email', zh: '邮件', en: 'Email' },
  { key: 'inbox', zh: '车主端消息', en: 'Portal inbox' },
] as const;

/** Service notices need a service relationship; marketing needs the owner's marketing consent (PIPL). */
export const MESSAGE_PURPOSES = [
  { key: 'service', zh: '服务通知', en: 'Service notice' },
  { key: 'marketing', zh: '营销', en: 'Marketing' },
] as const;

export const MESSAGE_STATUSES = [
  { key: 'queued', zh: '待发送', en: 'Queued' },
  { key: 'deferred', zh: '延后发送', en: 'Deferred' },
  { key: 'sent', zh: '已发送', en: 'Sent' },
  { key: 'failed', zh: '发送失败', en: 'Failed' },
  { key: 'suppressed', zh: '已拦截', en: 'Suppressed' },
] as const;

export const SUPPRESSION_REASONS = [
  { key: 'no_consent', zh: '未获授权', en: 'No consent' },
  { key: 'quiet_hours', zh: '免打扰时段（延后）', en: 'Quiet hours (deferred)' },
  { key: 'frequency_cap', zh: '超出发送频次', en: 'Frequency cap' },
  { key: 'unsubscribed', zh: '客户已退订', en: 'Unsubscribed' },
  { key: 'no_address', zh: '缺少联系方式', en: 'No address' },
] as const;

export const TEMPLATE_LOCALES = [
  { key: 'zh-CN', zh: '中文', en: 'Chinese' },
  { key: 'en-US', zh: '英文', en: 'English' },
] as const;

/**
 * The variables every template may use, written `{{客户姓名}}` or `{{customerName}}`. Values a sender passes in
 * `vars` (under either name) win over the built-in ones; `到期日期` has no built-in value. Any other `{{name}}` is
 * filled from `vars` when given and removed otherwise (a preview lists such names).
 */
export const TEMPLATE_VARIABLES = [
  { key: '客户姓名', alias: 'customerName', zh: '客户姓名', en: "Customer's name" },
  { key: '车牌', alias: 'plate', zh: '车牌号（该车或客户最近的车）', en: 'Plate (of the vehicle, or the latest one)' },
  { key: '车型', alias: 'model', zh: '车型', en: 'Vehicle model' },
  { key: '到期日期', alias: 'dueDate', zh: '到期日期（由发送方提供）', en: 'Due date (given by the sender)' },
  { key: '门店名称', alias: 'storeName', zh: '门店名称', en: 'Store name' },
  { key: '门店电话', alias: 'storePhone', zh: '门店电话', en: 'Store phone' },
  { key: '退订链接', alias: 'unsubscribeLink', zh: '退订链接（营销消息）', en: 'Unsubscribe link (marketing)' },
] as const;

export const ZMessageChannel = z.enum(optionKeys(MESSAGE_CHANNELS));
export const ZMessagePurpose = z.enum(optionKeys(MESSAGE_PURPOSES));
export const ZMessageStatus = z.enum(optionKeys(MESSAGE_STATUSES));
export const ZSuppressionReason = z.enum(optionKeys(SUPPRESSION_REASONS));
export const ZTemplateLocale = z.enum(optionKeys(TEMPLATE_LOCALES));
export type TMessageChannel = z.infer<typeof ZMessageChannel>;
export type TMessagePurpose = z.infer<typeof ZMessagePurpose>;
export type TMessageStatus = z.infer<typeof ZMessageStatus>;
export type TSuppressionReason = z.infer<typeof ZSuppressionReason>;
export type TTemplateLocale = z.infer<typeof ZTemplateLocale>;

const ZInstantIn = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
/** Values for template variables: name → text. */
export const ZTemplateVars = z.record(z.string().trim().min(1).max(50), z.string().max(500)).refine((v) => Object.keys(v).length <= 30, '变量过多 / Too many variables');
export type TTemplateVars = z.infer<typeof ZTemplateVars>;

/** Template codes name a purpose across stores and channels (`insurance_renewal_60d`); a store's own overrides the group's. */
export const ZTemplateCode = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, '模板编码只能包含小写字母、数字、_ . - / lower-case letters, digits, _ . - only');

export const ZMessageTemplate = z.object({
  id: ZId,
  /** null = a group template every store may use. */
  storeId: ZId.nullable(),
  code: z.string(),
  name: z.string(),
  channel: ZMessageChannel,
  purpose: ZMessagePurpose,
  locale: ZTemplateLocale,
  subject: z.string(),
  body: z.string(),
  active: z.boolean(),
  /** The variables the subject and body use. */
  variables: z.array(z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type TMessageTemplate = z.infer<typeof ZMessageTemplate>;

const templateFields = {
  name: z.string().trim().min(1, '请填写模板名称 / Name is required').max(100),
  subject: z.string().trim().max(200),
  body: z.string().trim().min(1, '请填写模板内容 / Body is required').max(4000),
  active: z.boolean(),
};
/** A new template; group admins name `storeId` for a store template or leave it out for a group template. */
export const ZMessageTemplateCreate = z.object({
  storeId: ZId.nullable().optional(),
  code: ZTemplateCode,
  name: templateFields.name,
  channel: ZMessageChannel,
  purpose: ZMessagePurpose,
  locale: ZTemplateLocale.default('zh-CN'),
  subject: templateFields.subject.optional(),
  body: templateFields.body,
  active: templateFields.active.optional(),
});
export const ZMessageTemplateUpdate = z.object(templateFields).partial();
export type TMessageTemplateCreate = z.infer<typeof ZMessageTemplateCreate>;
export type TMessageTemplateUpdate = z.infer<typeof ZMessageTemplateUpdate>;

export const ZMessageTemplateListQuery = z.object({
  storeId: ZId.optional(),
  channel: ZMessageChannel.optional(),
  purpose: ZMessagePurpose.optional(),
  code: z.string().trim().max(60).optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type TMessageTemplateListQuery = z.infer<typeof ZMessageTemplateListQuery>;

/**
 * Renders a saved template (`templateId`) or unsaved text (`body`, `subject`, `channel`, `purpose`, as typed in the
 * editor) for a real customer (`customerId`, optional `vehicleId`) or with sample values.
 */
export const ZTemplatePreviewRequest = z
  .object({
    templateId: ZId.optional(),
    channel: ZMessageChannel.optional(),
    purpose: ZMessagePurpose.optional(),
    locale: ZTemplateLocale.optional(),
    subject: templateFields.subject.optional(),
    body: templateFields.body.optional(),
    customerId: ZId.optional(),
    vehicleId: ZId.optional(),
    vars: ZTemplateVars.optional(),
  })
  .refine((v) => v.templateId || v.body, { message: '请提供模板或内容 / Give a template or a body', path: ['body'] });
export type TTemplatePreviewRequest = z.infer<typeof ZTemplatePreviewRequest>;
export const ZTemplatePreview = z.object({
  subject: z.string(),
  body: z.string(),
  /** `{{names}}` that had no value and were left out. */
  missing: z.array(z.string()),
});
export type TTemplatePreview = z.infer<typeof ZTemplatePreview>;

export const ZMessage = z.object({
  id: ZId,
  customer: z.object({ id: ZId, name: z.string() }),
  storeId: ZId,
  channel: ZMessageChannel,
  purpose: ZMessagePurpose,
  template: z.object({ id: ZId, code: z.string(), name: z.string() }).nullable(),
  /** Masked: `138****5678`, `z***@example.com`, `oAbC****`. */
  toAddressMasked: z.string().nullable(),
  subject: z.string(),
  body: z.string(),
  status: ZMessageStatus,
  suppressionReason: ZSuppressionReason.nullable(),
  scheduledAt: z.date(),
  nextAttemptAt: z.date().nullable(),
  sentAt: z.date().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  provider: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  sourceRuleId: ZId.nullable(),
  createdBy: ZStaffRef.nullable(),
  createdAt: z.date(),
});
export type TMessage = z.infer<typeof ZMessage>;

export const ZMessageListQuery = z.object({
  status: ZMessageStatus.optional(),
  channel: ZMessageChannel.optional(),
  purpose: ZMessagePurpose.optional(),
  customerId: ZId.optional(),
  storeId: ZId.optional(),
  /** Asked for at or after this instant (the console sends the start of a day in the store's time zone). */
  createdFrom: ZInstantIn.optional(),
  /** Asked for before this instant (exclusive: the start of the day after the range). */
  createdTo: ZInstantIn.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type TMessageListQuery = z.infer<typeof ZMessageListQuery>;

/**
 * One message to one customer, through the same gate as every journey message. Either a template (`templateId`,
 * or `templateCode` resolved for the customer's store) or free text (`body`, `purpose`, `subject` for email).
 */
export const ZMessageSend = z
  .object({
    customerId: ZId,
    vehicleId: ZId.optional(),
    channel: ZMessageChannel,
    purpose: ZMessagePurpose.optional(),
    templateId: ZId.optional(),
    templateCode: ZTemplateCode.optional(),
    locale: ZTemplateLocale.optional(),
    subject: templateFields.subject.optional(),
    body: templateFields.body.optional(),
    vars: ZTemplateVars.optional(),
    /** Send later (still subject to quiet hours at that time); default now. */
    scheduledAt: ZInstantIn.optional(),
  })
  .refine((v) => Boolean(v.templateId || v.templateCode) !== Boolean(v.body), {
    message: '请选择模板或填写内容（二选一） / Give either a template or a body',
    path: ['body'],
  })
  .refine((v) => !v.body || v.purpose, { message: '请选择消息类型 / Choose the purpose', path: ['purpose'] });
export type TMessageSend = z.infer<typeof ZMessageSend>;

export const ZMessagingSettingsQuery = z.object({ storeId: ZId.optional() });
const ZClock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式为 HH:MM / Use HH:MM');
export const ZMessagingSettingsInput = z.object({
  /** Quiet hours in the store's time zone; a message asked for inside them waits until `quietEnd`. Equal = none. */
  quietStart: ZClock,
  quietEnd: ZClock,
  /** At most this many marketing messages per customer in any `capWindowDays`-day window (sent + waiting). */
  marketingCap: z.number().int().min(0).max(100),
  capWindowDays: z.number().int().min(1).max(90),
  /** Tries before a message whose provider keeps failing is marked failed. */
  maxAttempts: z.number().int().min(1).max(20),
});
export const ZMessagingSettings = ZMessagingSettingsInput.extend({ storeId: ZId });
export type TMessagingSettingsInput = z.infer<typeof ZMessagingSettingsInput>;
export type TMessagingSettings = z.infer<typeof ZMessagingSettings>;
