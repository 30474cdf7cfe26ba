import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { TActionSpec, TAudience, TCondition, TRuleReport, TTrigger } from '../../../contracts/journeys.js';
import { pk, timestamps } from '../../db/columns.js';
import { staff, stores } from '../org/schema.js';

/**
 * Journey rules as data: trigger + audience + conditions + actions. `store_id` null = a rule of the group (every
 * store, unless a store switches it off in `journey_rule_stores`); else the rule of one store. Default rules
 * (`is_default`) are written by `ensureDefaultRules` and cannot be deleted, only edited and switched.
 */
export const journeyRules = pgTable(
  'journey_rules',
  {
    id: pk(),
    storeId: uuid('store_id').references(() => stores.id),
    code: text('code').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull().default(''),
    descriptionZh: text('description_zh').notNull().default(''),
    descriptionEn: text('description_en').notNull().default(''),
    isDefault: boolean('is_default').notNull().default(false),
    enabled: boolean('enabled').notNull().default(false),
    trigger: jsonb('trigger').$type<TTrigger>().notNull(),
    audience: jsonb('audience').$type<TAudience | null>(),
    conditions: jsonb('conditions').$type<TCondition[]>().notNull().default([]),
    actions: jsonb('actions').$type<TActionSpec[]>().notNull(),
    /** Free-form knobs of the rule (the defaults keep their seed values here for reference). */
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    /** Bumped by every edit; an update names the version it read (optimistic locking). */
    version: integer('version').notNull().default(1),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => staff.id),
    updatedBy: uuid('updated_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('journey_rules_code_uq').on(sql`coalesce(${t.storeId}, '00000000-0000-0000-0000-000000000000'::uuid)`, t.code).where(sql`deleted_at is null`),
    index('journey_rules_created_by_idx').on(t.createdBy),
    index('journey_rules_updated_by_idx').on(t.updatedBy),
  ],
);

/** A store's own switch of a group rule (absent = the rule's `enabled`). */
export const journeyRuleStores = pgTable(
  'journey_rule_stores',
  {
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => journeyRules.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    enabled: boolean('enabled').notNull(),
    updatedBy: uuid('updated_by').references(() => staff.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.storeId] }), index('journey_rule_stores_store_idx').on(t.storeId), index('journey_rule_stores_updated_by_idx').on(t.updatedBy)],
);

/**
 * One row per rule × customer × occurrence, ever: the unique (rule_id, firing_key) is what makes re-runs, resumed
 * runs and parallel workers fire once. The actions of a run consume the rows their own INSERT returned (`batch_id`).
 */
export const journeyFirings = pgTable(
  'journey_firings',
  {
    id: pk(),
    ruleId: uuid('rule_id').notNull(),
    storeId: uuid('store_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    vehicleId: uuid('vehicle_id'),
    firingKey: text('firing_key').notNull(),
    /** The business day of the occurrence (the day the rule was due). */
    occurredOn: date('occurred_on').notNull(),
    firedAt: timestamp('fired_at', { withTimezone: true }).notNull(),
    reason: text('reason').notNull(),
    runId: uuid('run_id'),
    batchId: uuid('batch_id').notNull(),
  },
  (t) => [
    uniqueIndex('journey_firings_key_uq').on(t.ruleId, t.firingKey),
    index('journey_firings_customer_idx').on(t.customerId, t.firedAt.desc()),
    index('journey_firings_batch_idx').on(t.batchId),
  ],
);

/** A lifecycle run: daily (cron), incremental (domain events) or manual (console / CLI), with its per-rule report. */
export const journeyRuns = pgTable(
  'journey_runs',
  {
    id: pk(),
    kind: text('kind').$type<'daily' | 'incremental' | 'manual'>().notNull(),
    asOf: date('as_of').notNull(),
    status: text('status').$type<'running' | 'succeeded' | 'failed'>().notNull().default('running'),
    storeId: uuid('store_id'),
    ruleId: uuid('rule_id'),
    progress: jsonb('progress').$type<{ done: number; total: number; current: string | null }>().notNull().default({ done: 0, total: 0, current: null }),
    report: jsonb('report').$type<TRuleReport[]>().notNull().default([]),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    error: text('error'),
    startedBy: uuid('started_by'),
  },
  (t) => [index('journey_runs_started_idx').on(t.startedAt.desc())],
);

/** Domain events the journeys consumer has handled (its own receipts; see segments' for the pattern). */
export const journeyEventReceipts = pgTable(
  'journey_event_receipts',
  {
    eventId: uuid('event_id').primaryKey(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('journey_event_receipts_processed_idx').on(t.processedAt)],
);

/**
 * The last complete evaluation of a daily rule whose audience is the facts alone (engine.ts, `changedSince`): the
 * next run of the same period, rule version and switches reads only the facts written since (a few minutes' margin) and
 * the cars whose estimate crossed the mark since that day, instead of every member of the audience.
 */
export const journeyRuleMarks = pgTable('journey_rule_marks', {
  ruleId: uuid('rule_id')
    .primaryKey()
    .references(() => journeyRules.id, { onDelete: 'cascade' }),
  /** The business day evaluated. */
  asOf: date('as_of').notNull(),
  /** When that evaluation started (the app clock). */
  evaluatedAt: timestamp('evaluated_at', { withTimezone: true }).notNull(),
  ruleVersion: integer('rule_version').notNull(),
  /** The rule's own switch and its stores' switches then (`true|<store>:false,…`). */
  switches: text('switches').notNull(),
  /** The latest facts refresh recorded then: every later one must have started after the margin (a clock set back). */
  factsRunId: uuid('facts_run_id'),
});
