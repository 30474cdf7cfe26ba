import { sql } from 'drizzle-orm';
import { type AnyPgColumn, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { pk, timestamps } from '../../db/columns.js';
import { customers } from '../customers/schema.js';
import { staff, stores } from '../org/schema.js';
import { vehicles } from '../vehicles/schema.js';

/** What a task is about; journeys pick one per rule, staff pick `manual` (or any other) by hand. */
export const taskKind = pgEnum('task_kind', [
  'handover',
  'follow_up_call',
  'care',
  'maintenance_reminder',
  'insurance_renewal',
  'warranty_extension',
  'preventive',
  'trade_in',
  'win_back',
  'event_follow_up',
  'complaint_revisit',
  'survey_follow_up',
  'manual',
]);
export const taskPriority = pgEnum('task_priority', ['low', 'normal', 'high', 'urgent']);
export const taskStatus = pgEnum('task_status', ['open', 'done', 'cancelled']);
export const taskOutcome = pgEnum('task_outcome', ['reached', 'not_reached', 'booked', 'not_interested', 'complaint_raised']);

export const tasks = pgTable(
  'tasks',
  {
    id: pk(),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    vehicleId: uuid('vehicle_id').references(() => vehicles.id),
    assigneeStaffId: uuid('assignee_staff_id')
      .notNull()
      .references(() => staff.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    kind: taskKind('kind').notNull(),
    priority: taskPriority('priority').notNull().default('normal'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    status: taskStatus('status').notNull().default('open'),
    outcome: taskOutcome('outcome'),
    outcomeNote: text('outcome_note').notNull().default(''),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    completedBy: uuid('completed_by').references(() => staff.id),
    /** The journey rule that made the task (journeys own the rules table; no FK so the modules stay decoupled). */
    sourceRuleId: uuid('source_rule_id'),
    /** Set by journeys: one task per rule occurrence per customer, ever (see the unique index). */
    firingKey: text('firing_key'),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    escalationLevel: integer('escalation_level').notNull().default(0),
    escalatedTo: uuid('escalated_to').references(() => staff.id),
    /** A not-reached call is retried as a new task pointing at the previous one; `attempt` counts the tries. */
    retryOfTaskId: uuid('retry_of_task_id').references((): AnyPgColumn => tasks.id),
    attempt: integer('attempt').notNull().default(1),
    createdBy: uuid('created_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('tasks_firing_key_uq').on(t.firingKey).where(sql`firing_key is not null`),
    // "my tasks" (open buckets by due time) and the workload count used for assignment
    index('tasks_assignee_open_idx').on(t.assigneeStaffId, t.dueAt).where(sql`status = 'open'`),
    index('tasks_assignee_closed_idx').on(t.assigneeStaffId, t.completedAt.desc()).where(sql`status <> 'open'`),
    index('tasks_store_due_idx').on(t.storeId, t.dueAt),
    // the escalation job's scan: open, not yet escalated, by due time
    index('tasks_escalation_idx').on(t.dueAt).where(sql`status = 'open' and escalation_level = 0`),
    index('tasks_customer_idx').on(t.customerId, t.dueAt.desc()),
    index('tasks_vehicle_idx').on(t.vehicleId),
    index('tasks_completed_by_idx').on(t.completedBy),
    index('tasks_escalated_to_idx').on(t.escalatedTo).where(sql`escalated_to is not null`),
    index('tasks_retry_of_idx').on(t.retryOfTaskId),
    index('tasks_created_by_idx').on(t.createdBy),
    index('tasks_source_rule_idx').on(t.sourceRuleId).where(sql`source_rule_id is not null`),
  ],
);

/** Per-store task settings; a store without a row uses the defaults in `tasks/rules.ts`. */
export const taskSettings = pgTable(
  'task_settings',
  {
    storeId: uuid('store_id')
      .primaryKey()
      .references(() => stores.id),
    escalateAfterHours: integer('escalate_after_hours').notNull(),
    retryDelayHours: integer('retry_delay_hours').notNull(),
    maxAttempts: integer('max_attempts').notNull(),
    updatedBy: uuid('updated_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [index('task_settings_updated_by_idx').on(t.updatedBy)],
);
