import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgEnum, pgSequence, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { pk, timestamps } from '../../db/columns.js';
import { customers } from '../customers/schema.js';
import { staff, staffRole, stores } from '../org/schema.js';
import { vehicles } from '../vehicles/schema.js';

export const complaintChannel = pgEnum('complaint_channel', ['hotline', 'in_store', 'wechat', 'portal', 'survey']);
export const complaintSeverity = pgEnum('complaint_severity', ['normal', 'urgent']);
export const complaintType = pgEnum('complaint_type', ['attitude', 'technical', 'fee', 'waiting', 'parts', 'other']);
export const complaintStatus = pgEnum('complaint_status', ['received', 'acknowledged', 'resolved', 'feedback_given', 'closed', 'reopened']);
export const slaStage = pgEnum('sla_stage', ['acknowledge', 'resolve', 'feedback', 'revisit']);
export const compensationKind = pgEnum('compensation_kind', ['coupon', 'points', 'cash']);

export const complaintNumberSeq = pgSequence('complaint_number_seq', { startWith: 1 });

export const complaints = pgTable(
  'complaints',
  {
    id: pk(),
    number: text('number').notNull(),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    vehicleId: uuid('vehicle_id').references(() => vehicles.id),
    channel: complaintChannel('channel').notNull(),
    severity: complaintSeverity('severity').notNull(),
    type: complaintType('type').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    status: complaintStatus('status').notNull().default('received'),
    assigneeStaffId: uuid('assignee_staff_id').references(() => staff.id),
    /** The customer's service advisor when the complaint came in (the weekly analysis counts by advisor). */
    advisorStaffId: uuid('advisor_staff_id').references(() => staff.id),
    paused: boolean('paused').notNull().default(false),
    rootCause: text('root_cause').notNull().default(''),
    resolution: text('resolution').notNull().default(''),
    satisfied: boolean('satisfied'),
    satisfactionScore: smallint('satisfaction_score'),
    reopenCount: integer('reopen_count').notNull().default(0),
    escalationLevel: integer('escalation_level').notNull().default(0),
    escalatedTo: uuid('escalated_to').references(() => staff.id),
    /** Set when the complaint came from a survey detractor (no FK: surveys own that table). */
    surveyResponseId: uuid('survey_response_id'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    feedbackAt: timestamp('feedback_at', { withTimezone: true }),
    revisitedAt: timestamp('revisited_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('complaints_number_uq').on(t.number),
    uniqueIndex('complaints_survey_response_uq').on(t.surveyResponseId).where(sql`survey_response_id is not null`),
    index('complaints_store_received_idx').on(t.storeId, t.receivedAt.desc()),
    index('complaints_received_idx').on(t.receivedAt),
    index('complaints_customer_idx').on(t.customerId, t.receivedAt.desc()),
    index('complaints_vehicle_idx').on(t.vehicleId),
    index('complaints_assignee_idx').on(t.assigneeStaffId).where(sql`status <> 'closed'`),
    index('complaints_advisor_idx').on(t.advisorStaffId),
    index('complaints_escalated_to_idx').on(t.escalatedTo),
    index('complaints_created_by_idx').on(t.createdBy),
  ],
);

/**
 * The SLA clocks of a complaint, one row per stage. Working time used before a pause is `consumed_ms`; while running,
 * `running_since` is set and `due_at` / `warn_at` are the instants the service computed in the store calendar, so the
 * warning and escalation job is a plain set-based UPDATE over an index.
 */
export const complaintClocks = pgTable(
  'complaint_clocks',
  {
    complaintId: uuid('complaint_id')
      .notNull()
      .references(() => complaints.id, { onDelete: 'cascade' }),
    stage: slaStage('stage').notNull(),
    budgetMinutes: integer('budget_minutes').notNull(),
    consumedMs: bigint('consumed_ms', { mode: 'number' }).notNull().default(0),
    runningSince: timestamp('running_since', { withTimezone: true }),
    dueAt: timestamp('due_at', { withTimezone: true }),
    warnAt: timestamp('warn_at', { withTimezone: true }),
    metAt: timestamp('met_at', { withTimezone: true }),
    breached: boolean('breached').notNull().default(false),
    warnedAt: timestamp('warned_at', { withTimezone: true }),
    escalationLevel: integer('escalation_level').notNull().default(0),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.complaintId, t.stage] }),
    index('complaint_clocks_due_idx').on(t.dueAt).where(sql`met_at is null and due_at is not null`),
    index('complaint_clocks_warn_idx').on(t.warnAt).where(sql`met_at is null and warned_at is null and warn_at is not null`),
  ],
);

/** Every step of a complaint, in order: the timeline on its detail page. */
export const complaintEvents = pgTable(
  'complaint_events',
  {
    id: pk(),
    complaintId: uuid('complaint_id')
      .notNull()
      .references(() => complaints.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorStaffId: uuid('actor_staff_id').references(() => staff.id),
    actorName: text('actor_name').notNull(),
    note: text('note').notNull().default(''),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('complaint_events_complaint_idx').on(t.complaintId, t.at), index('complaint_events_actor_idx').on(t.actorStaffId)],
);

/** Compensation offered: recorded here; issued through loyalty's `TCompensator` once that lands (`external_ref`). */
export const complaintCompensations = pgTable(
  'complaint_compensations',
  {
    id: pk(),
    complaintId: uuid('complaint_id')
      .notNull()
      .references(() => complaints.id, { onDelete: 'cascade' }),
    kind: compensationKind('kind').notNull(),
    /** Fen for coupons and fee waivers, points for points. */
    amount: integer('amount').notNull(),
    note: text('note').notNull().default(''),
    status: text('status').notNull().default('recorded'),
    externalRef: text('external_ref'),
    createdBy: uuid('created_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [index('complaint_compensations_complaint_idx').on(t.complaintId), index('complaint_compensations_created_by_idx').on(t.createdBy)],
);

/** A store's SLA budgets and business hours; a store without a row uses `DEFAULT_COMPLAINT_SETTINGS`. */
export const complaintSettings = pgTable(
  'complaint_settings',
  {
    storeId: uuid('store_id')
      .primaryKey()
      .references(() => stores.id),
    settings: jsonb('settings').notNull(),
    updatedBy: uuid('updated_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [index('complaint_settings_updated_by_idx').on(t.updatedBy)],
);

/** Editable routing: a complaint type goes to a named person, else the least-loaded staff of a role, in its store. */
export const complaintRoutingRules = pgTable(
  'complaint_routing_rules',
  {
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    type: complaintType('type').notNull(),
    role: staffRole('role').notNull(),
    staffId: uuid('staff_id').references(() => staff.id),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.storeId, t.type] }), index('complaint_routing_rules_staff_idx').on(t.staffId)],
);
