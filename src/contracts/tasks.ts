import { z } from 'zod';
import { ZId } from './common.js';
import { optionKeys, ZStaffRef } from './vehicles.js';

/** What a task is about. Journeys choose the kind of each rule; staff usually pick `manual`. */
export const TASK_KINDS = [
  { key: 'handover', zh: '交车交接', en: 'Handover' },
  { key: 'follow_up_call', zh: '电话回访', en: 'Follow-up call' },
  { key: 'care', zh: '客户关怀', en: 'Owner care' },
  { key: 'maintenance_reminder', zh: '保养提醒', en: 'Maintenance reminder' },
  { key: 'insurance_renewal', zh: '续保', en: 'Insurance renewal' },
  { key: 'warranty_extension', zh: '延保', en: 'Extended warranty' },
  { key: 'preventive', zh: '预防性服务', en: 'Preventive service' },
  { key: 'trade_in', zh: '置换', en: 'Trade-in' },
  { key: 'win_back', zh: '战败回访', en: 'Win-back' },
  { key: 'event_follow_up', zh: '活动回访', en: 'Event follow-up' },
  { key: 'complaint_revisit', zh: '投诉回访', en: 'Complaint revisit' },
  { key: 'survey_follow_up', zh: '满意度跟进', en: 'Survey follow-up' },
  { key: 'manual', zh: '手动任务', en: 'Manual task' },
] as const;

export const TASK_PRIORITIES = [
  { key: 'low', zh: '低', en: 'Low' },
  { key: 'normal', zh: '普通', en: 'Normal' },
  { key: 'high', zh: '高', en: 'High' },
  { key: 'urgent', zh: '紧急', en: 'Urgent' },
] as const;

export const TASK_STATUSES = [
  { key: 'open', zh: '待办', en: 'Open' },
  { key: 'done', zh: '已完成', en: 'Done' },
  { key: 'cancelled', zh: '已取消', en: 'Cancelled' },
] as const;

/** How a contact attempt ended. `not_reached` schedules a retry; `complaint_raised` hands over to complaints. */
export const TASK_OUTCOMES = [
  { key: 'reached', zh: '已联系', en: 'Reached' },
  { key: 'not_reached', zh: '未接通', en: 'Not reached' },
  { key: 'booked', zh: '已预约', en: 'Booked' },
  { key: 'not_interested', zh: '无意向', en: 'Not interested' },
  { key: 'complaint_raised', zh: '客户投诉', en: 'Complaint raised' },
] as const;

/** "My tasks" tabs; today/overdue are judged in the store's time zone. */
export const TASK_BUCKETS = [
  { key: 'overdue', zh: '已逾期', en: 'Overdue' },
  { key: 'today', zh: '今天', en: 'Today' },
  { key: 'upcoming', zh: '即将到期', en: 'Upcoming' },
  { key: 'done', zh: '已完成', en: 'Done' },
] as const;

export const ZTaskKind = z.enum(optionKeys(TASK_KINDS));
export const ZTaskPriority = z.enum(optionKeys(TASK_PRIORITIES));
export const ZTaskStatus = z.enum(optionKeys(TASK_STATUSES));
export const ZTaskOutcome = z.enum(optionKeys(TASK_OUTCOMES));
export const ZTaskBucket = z.enum(optionKeys(TASK_BUCKETS));
export type TTaskKind = z.infer<typeof ZTaskKind>;
export type TTaskPriority = z.infer<typeof ZTaskPriority>;
export type TTaskStatus = z.infer<typeof ZTaskStatus>;
export type TTaskOutcome = z.infer<typeof ZTaskOutcome>;
export type TTaskBucket = z.infer<typeof ZTaskBucket>;

const ZInstantIn = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const ZBoolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ZTask = z.object({
  id: ZId,
  storeId: ZId,
  customer: z.object({ id: ZId, name: z.string() }),
  vehicle: z.object({ id: ZId, plate: z.string().nullable(), vin: z.string() }).nullable(),
  assignee: ZStaffRef,
  title: z.string(),
  description: z.string(),
  kind: ZTaskKind,
  priority: ZTaskPriority,
  dueAt: z.date(),
  status: ZTaskStatus,
  /** Open and past its due time. */
  overdue: z.boolean(),
  outcome: ZTaskOutcome.nullable(),
  outcomeNote: z.string(),
  completedAt: z.date().nullable(),
  completedBy: ZStaffRef.nullable(),
  /** 1 for the first try; a not-reached call's retry is attempt 2, … */
  attempt: z.number().int(),
  retryOfTaskId: ZId.nullable(),
  escalationLevel: z.number().int(),
  escalatedAt: z.date().nullable(),
  escalatedTo: ZStaffRef.nullable(),
  sourceRuleId: ZId.nullable(),
  createdBy: ZStaffRef.nullable(),
  createdAt: z.date(),
});
export type TTask = z.infer<typeof ZTask>;

/**
 * `GET /tasks`: the caller's own tasks unless `assigneeId` (another person: `tasks.manage`), `storeId` (the whole
 * store: `tasks.manage`) or `customerId` (that customer's tasks) is given. Without `bucket`, every open task.
 */
export const ZTaskListQuery = z.object({
  bucket: ZTaskBucket.optional(),
  assigneeId: ZId.optional(),
  storeId: ZId.optional(),
  customerId: ZId.optional(),
  kind: ZTaskKind.optional(),
  /** Only tasks escalated to the store manager. */
  escalated: ZBoolQuery.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type TTaskListQuery = z.infer<typeof ZTaskListQuery>;

/**
 * `GET /tasks/counts`: how many open tasks fall in each bucket, for the same people as `GET /tasks` (the caller's
 * own unless `assigneeId` / `storeId` is given). The console's header badge and "my tasks" tabs read it.
 */
export const ZTaskCountsQuery = ZTaskListQuery.pick({ assigneeId: true, storeId: true, customerId: true, kind: true, escalated: true });
export type TTaskCountsQuery = z.infer<typeof ZTaskCountsQuery>;
export const ZTaskCounts = z.object({
  overdue: z.number().int(),
  today: z.number().int(),
  upcoming: z.number().int(),
});
export type TTaskCounts = z.infer<typeof ZTaskCounts>;

/** A manual task. Without `assigneeId` it is the caller's own; naming someone else needs `tasks.manage`. */
export const ZTaskCreate = z.object({
  customerId: ZId,
  vehicleId: ZId.optional(),
  assigneeId: ZId.optional(),
  title: z.string().trim().min(1, '请填写任务标题 / Title is required').max(200),
  description: z.string().trim().max(2000).optional(),
  kind: ZTaskKind.default('manual'),
  priority: ZTaskPriority.default('normal'),
  dueAt: ZInstantIn,
});
export type TTaskCreate = z.infer<typeof ZTaskCreate>;

export const ZTaskComplete = z.object({
  outcome: ZTaskOutcome,
  note: z.string().trim().max(2000).optional(),
  /** For `not_reached`: when to try again (default: the store's retry delay, one day). */
  retryAt: ZInstantIn.optional(),
});
export type TTaskComplete = z.infer<typeof ZTaskComplete>;

export const ZTaskCompleteResult = z.object({
  task: ZTask,
  /** The follow-up task a not-reached call scheduled, or null (reached, or out of tries). */
  retryTask: ZTask.nullable(),
});
export type TTaskCompleteResult = z.infer<typeof ZTaskCompleteResult>;

export const ZTaskReassign = z.object({
  ids: z.array(ZId).min(1).max(500),
  staffId: ZId,
});
export type TTaskReassign = z.infer<typeof ZTaskReassign>;
export const ZTaskReassignResult = z.object({ updated: z.number().int() });

export const ZTaskBoardQuery = z.object({ storeId: ZId.optional() });
/**
 * One row per active staff member of the store. Week = Monday 00:00 in the store's time zone until now.
 * `completionRate` = of the tasks due this week so far (not cancelled), the share done; null when none were due.
 */
export const ZTaskBoardRow = z.object({
  staff: ZStaffRef.extend({ role: z.string() }),
  open: z.number().int(),
  overdue: z.number().int(),
  escalated: z.number().int(),
  doneThisWeek: z.number().int(),
  dueThisWeek: z.number().int(),
  completionRate: z.number().min(0).max(1).nullable(),
});
export const ZTaskBoard = z.object({ storeId: ZId, weekStart: z.date(), rows: z.array(ZTaskBoardRow) });
export type TTaskBoardRow = z.infer<typeof ZTaskBoardRow>;
export type TTaskBoard = z.infer<typeof ZTaskBoard>;

export const ZTaskSettingsQuery = z.object({ storeId: ZId.optional() });
export const ZTaskSettingsInput = z.object({
  /** An open task this many hours past due escalates to the store manager. */
  escalateAfterHours: z.number().int().min(1).max(24 * 30),
  /** A not-reached call is retried this many hours later. */
  retryDelayHours: z.number().int().min(1).max(24 * 30),
  /** Tries in total (the first call included) before a not-reached task stops retrying. */
  maxAttempts: z.number().int().min(1).max(10),
});
export const ZTaskSettings = ZTaskSettingsInput.extend({ storeId: ZId });
export type TTaskSettingsInput = z.infer<typeof ZTaskSettingsInput>;
export type TTaskSettings = z.infer<typeof ZTaskSettings>;
