import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { TFactSettingsPatch, TSegmentRule } from '../../../contracts/segments.js';
import { pk, timestamps } from '../../db/columns.js';
import { staff, stores } from '../org/schema.js';

export const lifecycleStage = pgEnum('lifecycle_stage', ['prospect', 'new_owner', 'regular', 'replacement']);
export const valueTier = pgEnum('value_tier', ['high_value', 'regular', 'potential']);
export const churnRisk = pgEnum('churn_risk', ['low', 'medium', 'high']);

/**
 * Derived facts, one row per active customer (exactly those: the refresh adds new customers and removes merged or
 * erased ones, daily and within a minute of the change event), recomputed set-based by `refreshFacts`. Never written
 * by hand; a row is rewritten only when one of its values changed (`computed_at` = last change). Columns over the
 * customer's vehicles (next maintenance, insurance, mileage) consider vehicles in use. Segment counts read this table
 * alone unless a rule names a field of the customer record.
 */
export const customerFacts = pgTable(
  'customer_facts',
  {
    // No foreign key: rows are only ever written from a join with their customer, and a per-row check on a million
    // inserts would double the first run. Facts of customers who are no longer active are deleted by the refresh.
    customerId: uuid('customer_id').primaryKey(),
    storeId: uuid('store_id').notNull(),
    lifecycleStage: lifecycleStage('lifecycle_stage').notNull(),
    valueTier: valueTier('value_tier').notNull(),
    /** Any of family / business / young, in that order; empty = none. */
    needs: text('needs').array().notNull().default(sql`'{}'::text[]`),
    lastVisitAt: timestamp('last_visit_at', { withTimezone: true }),
    visits12m: integer('visits_12m').notNull().default(0),
    spend12mFen: bigint('spend_12m_fen', { mode: 'number' }).notNull().default(0),
    repairs6m: integer('repairs_6m').notNull().default(0),
    age: integer('age'),
    vehicleCount: integer('vehicle_count').notNull().default(0),
    hasTradeInIntent: boolean('has_trade_in_intent').notNull().default(false),
    hasAddOnIntent: boolean('has_add_on_intent').notNull().default(false),
    churnRisk: churnRisk('churn_risk').notNull().default('low'),
    /** Meets any trade-in criterion (age, mileage, repairs, intent). */
    tradeInCandidate: boolean('trade_in_candidate').notNull().default(false),
    tradeInScore: integer('trade_in_score').notNull().default(0),
    /**
     * The trade-in reasons in words that do not move with the calendar, e.g. {6 个月内维修 3 次, 浏览新车 2 次}; the age
     * and mileage ones ({车龄 5.2 年, 预计 86,000 km}) are put in front when read (calendar.ts).
     */
    tradeInOtherReasons: text('trade_in_other_reasons').array().notNull().default(sql`'{}'::text[]`),
    nextMaintenanceDueDate: date('next_maintenance_due_date'),
    /** The soonest insurance expiry from today on; else the latest past one. */
    nextInsuranceExpiry: date('next_insurance_expiry'),
    // Anchors of the values that move with the calendar (segments/calendar.ts). Churn score, the highest estimated
    // mileage and the age and mileage reasons are computed from them when read; churn risk, trade-in candidate and
    // score (indexed, filtered on) are stored and brought up to date by the daily calendar sweep.
    /** The oldest delivery (or purchase) date among the vehicles in use: the age part of the trade-in score. */
    oldestVehicleDay: date('oldest_vehicle_day'),
    /** The vehicle with the highest estimated mileage: its last reading, the day of it, and km per day. */
    kmAnchorKm: integer('km_anchor_km'),
    kmAnchorDay: date('km_anchor_day'),
    kmPerDay: real('km_per_day'),
    /** Trade-in score points that do not move with the calendar (repairs, intent), and the store's thresholds used. */
    tradeInBase: real('trade_in_base').notNull().default(0),
    tradeInAgeYears: real('trade_in_age_years').notNull().default(0),
    tradeInMileageKm: integer('trade_in_mileage_km').notNull().default(0),
    /** The last sign of life (a visit, else the newest car's delivery), and the store's churn thresholds in days. */
    churnSince: date('churn_since'),
    churnMediumDays: integer('churn_medium_days').notNull().default(0),
    churnHighDays: integer('churn_high_days').notNull().default(0),
    /** A trade-in criterion other than age and mileage is met (repairs in 6 months, intent). */
    tradeInOtherHit: boolean('trade_in_other_hit').notNull().default(false),
    /**
     * The first day on which a stored value other than the swept ones would change with no new records (a birthday,
     * a repair order leaving the 12- or 6-month window or reaching its day, an online event leaving the intent window,
     * a lifecycle threshold, insurance expiring, another car overtaking the mileage leader, an estimate's line starting).
     * The daily refresh recomputes only the customers due (at most a day early); null = never without new records.
     */
    staleOn: date('stale_on'),
    /**
     * The first day a swept value changes (a churn threshold, the age or mileage step that moves the rounded trade-in
     * score or the candidate): the sweep skips the rest.
     */
    sweepOn: date('sweep_on'),
    /**
     * Marketing consent per channel, copied here so that the most common segment condition needs no second table. The
     * message gate still checks the consent record itself at send time.
     */
    consentSmsMarketing: boolean('consent_sms_marketing').notNull().default(false),
    consentWechatMarketing: boolean('consent_wechat_marketing').notNull().default(false),
    /** The business day the values were computed for. */
    asOf: date('as_of').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('customer_facts_store_stage_idx').on(t.storeId, t.lifecycleStage),
    // The customer list's fact filters that can be selective (a high trade-in score, maintenance due this week, no
    // visit since long ago, high churn): the list counts and fetches those matches through these instead of scanning
    // the store's facts. Value tier and needs are never rare enough to need one.
    index('customer_facts_store_score_idx').on(t.storeId, t.tradeInScore),
    index('customer_facts_store_due_idx').on(t.storeId, t.nextMaintenanceDueDate),
    index('customer_facts_store_visit_idx').on(t.storeId, t.lastVisitAt),
    index('customer_facts_store_churn_idx').on(t.storeId, t.churnRisk),
    index('customer_facts_stale_idx').on(t.staleOn),
    check('customer_facts_needs_ck', sql`${t.needs} <@ array['family','business','young']::text[]`),
  ],
);

/**
 * Derived facts per vehicle in use, maintained with the owner's customer facts. Nothing here moves with the calendar:
 * age (to 0.1 year) and estimated mileage (to 1,000 km) are computed when read from `base_day` and the estimate's
 * anchor (calendar.ts); the maintenance due date is fixed by the readings, not by today.
 */
export const vehicleFacts = pgTable(
  'vehicle_facts',
  {
    // No foreign key, for the same reason as customer_facts.
    vehicleId: uuid('vehicle_id').primaryKey(),
    customerId: uuid('customer_id').notNull(),
    storeId: uuid('store_id').notNull(),
    /** Delivery date, else purchase date: what the age counts from. */
    baseDay: date('base_day'),
    /** Where the mileage estimate's straight line starts (the last reading, else delivery at 0 km). */
    estAnchorKm: integer('est_anchor_km'),
    estAnchorDay: date('est_anchor_day'),
    kmPerDay: real('km_per_day'),
    lastReadingKm: integer('last_reading_km'),
    lastReadingDate: date('last_reading_date'),
    nextMaintenanceDueDate: date('next_maintenance_due_date'),
    nextMaintenanceDueKm: integer('next_maintenance_due_km'),
    firstServiceDone: boolean('first_service_done').notNull().default(false),
    /**
     * The insurance expiry itself, not a countdown: a "days to expiry" column would change every row every day. The API
     * and segment conditions count the days from today.
     */
    insuranceExpiry: date('insurance_expiry'),
    warrantyEnd: date('warranty_end'),
    asOf: date('as_of').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('vehicle_facts_customer_idx').on(t.customerId)],
);

/**
 * Facts thresholds per store (`store_id` null = the group level). Only overrides are stored; the effective settings
 * are code defaults ← group row ← store row.
 */
export const segmentSettings = pgTable(
  'segment_settings',
  {
    id: pk(),
    storeId: uuid('store_id').references(() => stores.id),
    overrides: jsonb('overrides').$type<TFactSettingsPatch>().notNull().default({}),
    updatedBy: uuid('updated_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('segment_settings_store_uq').on(sql`coalesce(${t.storeId}, '00000000-0000-0000-0000-000000000000'::uuid)`),
    index('segment_settings_updated_by_idx').on(t.updatedBy),
  ],
);

/** Saved segments: a named rule tree, for one store or group-wide (`store_id` null). */
export const segments = pgTable(
  'segments',
  {
    id: pk(),
    storeId: uuid('store_id').references(() => stores.id),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    rule: jsonb('rule').$type<TSegmentRule>().notNull(),
    createdBy: uuid('created_by').references(() => staff.id),
    updatedBy: uuid('updated_by').references(() => staff.id),
    lastCount: integer('last_count'),
    lastCountedAt: timestamp('last_counted_at', { withTimezone: true }),
    /** Archived segments are hidden; journeys that name them find them gone (404). */
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('segments_name_uq')
      .on(sql`coalesce(${t.storeId}, '00000000-0000-0000-0000-000000000000'::uuid)`, t.name)
      .where(sql`archived_at is null`),
    index('segments_store_idx').on(t.storeId, t.createdAt.desc()),
    index('segments_created_by_idx').on(t.createdBy),
    index('segments_updated_by_idx').on(t.updatedBy),
  ],
);

/**
 * The domain events the segments consumer has handled (its own receipts, so other consumers of the same outbox —
 * journeys, loyalty — still see every event). Receipts older than the look-back window are pruned.
 */
export const segmentEventReceipts = pgTable(
  'segment_event_receipts',
  {
    eventId: uuid('event_id').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.eventId] }), index('segment_event_receipts_processed_idx').on(t.processedAt)],
);

/** One row per facts refresh (full or incremental): what it covered and how long it took. */
export const segmentFactRuns = pgTable(
  'segment_fact_runs',
  {
    id: pk(),
    kind: text('kind').notNull(),
    asOf: date('as_of').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    customers: integer('customers').notNull().default(0),
    vehicles: integer('vehicles').notNull().default(0),
    changedCustomers: integer('changed_customers').notNull().default(0),
    changedVehicles: integer('changed_vehicles').notNull().default(0),
    durationMs: integer('duration_ms'),
    /** A digest of the effective facts settings of every store the run used: a daily run after a change runs in full. */
    settingsDigest: text('settings_digest'),
    error: text('error'),
  },
  (t) => [index('segment_fact_runs_started_idx').on(t.startedAt.desc())],
);
