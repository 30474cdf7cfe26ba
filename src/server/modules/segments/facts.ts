/**
 * Derived facts: set-based SQL that recomputes `vehicle_facts` and `customer_facts` from the records — for everyone
 * (full: the first run, a settings change, the weekly reconciliation), for a given set of customers (after their
 * records changed), or for the customers due (the daily run, after the calendar sweep; ADR 0009).
 *
 * How it stays fast and flat at 1M customers / 10M repair orders:
 * - Each source table is read once, set-based: repair orders in ONE pass grouped by (customer, vehicle) — visits,
 *   spend, repairs, the first and last mileage reading, the last maintenance; behaviour, tags and consents in one
 *   aggregate; then vehicles and customers, each level of a statement computing its values once.
 * - Intermediate results live in unlogged work tables (`segwork_*`: no WAL; unlike temporary tables, parallel workers
 *   and a second session can read them), dropped at the end. PostgreSQL bounds their memory (work_mem; beyond it hash
 *   aggregates spill to disk); Node holds nothing but batch bounds. Full and daily runs compute and write vehicles and
 *   customers in two halves on two sessions (both cores).
 * - Each stage compares with the stored facts in the same pass; only rows whose values changed are written, with
 *   INSERT … SELECT … ON CONFLICT DO UPDATE in batches by customer-id range (each batch its own short transaction).
 * - Nothing stored moves with the calendar by itself: values that do are computed when read or swept from anchors
 *   (calendar.ts), and every other value carries the day it next changes (`stale_on`), so that a daily run recomputes
 *   only the customers due.
 * - "Today" comes from the caller (`asOf`), never from now() inside SQL: a run for any date is reproducible.
 *
 * A session advisory lock serialises refreshes (a full run and an incremental one never interleave their writes).
 */
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type { TFactSettings } from '../../../contracts/segments.js';
import type { TDb } from '../../db/index.js';
import { addDays, addMonths, anyWordPattern, localDate, localMidnight, mergeSettings } from './rules.js';
import { segmentFactRuns, segmentSettings } from './schema.js';
import { churnRiskSql, estimatedKmRawSql, fromTomorrowSql, storedAnchors, sweepOnSql, tradeInCandidateSql, tradeInScoreSql, type TCalendarAnchors } from './calendar.js';
import { stores } from '../org/schema.js';

/** Repair-order kinds that reset the maintenance clock, and those that count as a repair (repairs in 6 months). */
export const MAINTENANCE_KINDS = ['first_service', 'maintenance'] as const;
export const REPAIR_KINDS = ['repair', 'accident'] as const;

export interface TRefreshOptions {
  /** The business day (or an instant, turned into the day in `timeZone`) the facts are computed for. */
  asOf: Date | string;
  /** Only these customers (incremental); absent = everyone (full refresh). */
  customerIds?: readonly string[];
  /**
   * The daily run: the calendar sweep, then only the customers due (`stale_on` reached, active without facts, facts
   * no longer active). Ignored with `customerIds`.
   */
  due?: boolean;
  /** A daily run with more customers due than this refreshes everyone instead (default 250,000). */
  dueFullAbove?: number;
  /** The group's time zone (default Asia/Shanghai). */
  timeZone?: string;
  /** Customers per write batch (default 50,000). */
  batchSize?: number;
  /** The instant the run is recorded as started (default: now). */
  now?: Date;
  /**
   * The clock read once the facts lock is held: that instant is recorded as the computed_at of every row written
   * (default: `now`). After the lock, so that a refresh writing after someone else's `factsSettledSql` transaction
   * carries a later stamp than that transaction's start (a journey rule's mark relies on it).
   */
  clock?: () => Date;
  log?: (line: string) => void;
  /**
   * Give up (throw `FactsBusyError`) when another refresh holds the lock longer than this; default: wait. For
   * requests that compute one customer's facts on the spot while the daily run is busy.
   */
  lockWaitMs?: number;
  /** Called with each statement, its duration and parameters (benchmarks, diagnosis). */
  trace?: (statement: string, ms: number, params: unknown[]) => void;
}

export interface TRefreshResult {
  kind: 'full' | 'incremental' | 'daily';
  asOf: string;
  customers: number;
  vehicles: number;
  changedCustomers: number;
  changedVehicles: number;
  removedCustomers: number;
  removedVehicles: number;
  /** Daily run: customers due, and rows the calendar sweep rewrote. */
  due?: number;
  sweptCustomers?: number;
  batches: number;
  ms: number;
  /** Milliseconds per phase (aggregate, vehicles, customers, write, cleanup). */
  phases: Record<string, number>;
}

const LOCK_KEY = 'baoke.segments.facts';

/**
 * Waits until no facts refresh is running and keeps any from starting until the caller's transaction ends: what the
 * transaction then reads of the facts is every refresh's whole work or none of it (a journey rule that reads only
 * the facts written since its last evaluation relies on it).
 */
export const factsSettledSql = sql`select pg_advisory_xact_lock(hashtextextended(${LOCK_KEY}, 0))`;
const dialect = new PgDialect();
/** Work tables of a run (unlogged: no WAL, and unlike temporary tables they can be read by parallel workers). */
const WORK_VIEWS = ['segwork_vall', 'segwork_call'];
const WORK_TABLES = ['segwork_scope', 'segwork_s', 'segwork_ro', 'segwork_x', 'segwork_v_0', 'segwork_v_1', 'segwork_l_0', 'segwork_l_1', 'segwork_c_0', 'segwork_c_1'];

/** The per-store settings row the SQL joins on (one per store). */
function settingsRow(storeId: string, s: TFactSettings) {
  return {
    store_id: storeId,
    new_owner_max_years: s.newOwnerMaxYears,
    regular_max_years: s.regularMaxYears,
    high_value_spend_fen: s.highValueSpendFen,
    luxury_is_high_value: s.luxuryIsHighValue,
    potential_max_spend_fen: s.potentialMaxSpendFen,
    trade_in_age_years: s.tradeInAgeYears,
    trade_in_mileage_km: s.tradeInMileageKm,
    trade_in_repairs: s.tradeInRepairs6m,
    trade_in_valuations: s.tradeInValuations,
    trade_in_model_views: s.tradeInModelViews,
    intent_window_days: s.intentWindowDays,
    valuation_kinds: s.valuationKinds,
    model_view_kinds: s.modelViewKinds,
    add_on_kinds: s.addOnKinds,
    trade_in_tags: s.tradeInTags,
    family_min_seats: s.familyMinSeats,
    family_body_types: s.familyBodyTypes,
    family_pattern: anyWordPattern(s.familyKeywords),
    family_tags: s.familyTags,
    business_occupations: s.businessOccupations,
    business_tags: s.businessTags,
    business_luxury: s.businessLuxury,
    young_max_age: s.youngMaxAge,
    churn_medium_days: s.churnMediumDays,
    churn_high_days: s.churnHighDays,
    default_km_per_day: s.defaultKmPerDay,
    warranty_months: Math.round(s.warrantyYears * 12),
    default_interval_months: s.defaultIntervalMonths,
    default_interval_km: s.defaultIntervalKm,
    default_first_service_months: s.defaultFirstServiceMonths,
    default_first_service_km: s.defaultFirstServiceKm,
  };
}

/** A digest of the effective settings of every store: equal digests, the same facts from the same records. */
export function settingsDigest(settings: Map<string, TFactSettings>): string {
  const rows = [...settings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, s]) => settingsRow(id, s));
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

/** Effective settings of every store (defaults ← group ← store). */
export async function loadStoreSettings(db: TDb): Promise<Map<string, TFactSettings>> {
  const [storeRows, rows] = await Promise.all([db.select({ id: stores.id }).from(stores), db.select().from(segmentSettings)]);
  const group = rows.find((r) => r.storeId === null)?.overrides;
  const out = new Map<string, TFactSettings>();
  for (const s of storeRows) out.set(s.id, mergeSettings(group, rows.find((r) => r.storeId === s.id)?.overrides));
  return out;
}

type Exec = (q: SQL) => Promise<pg.QueryResult>;

/** Another refresh (the daily run) holds the facts lock longer than the caller was willing to wait. */
export class FactsBusyError extends Error {
  constructor() {
    super('facts refresh in progress');
  }
}

/**
 * The calendar sweep: brings the stored values that move with the calendar — churn risk, trade-in candidate and score
 * — up to date from their anchors (calendar.ts), rewriting only the rows whose `sweep_on` day has come (a threshold or
 * an age or mileage step: a few per cent a day); no repair order is read. Called by the daily refresh under its lock.
 */
export async function sweepCalendarFacts(exec: Exec, today: string, now: Date): Promise<{ customers: number }> {
  const T = sql`${today}::date`;
  const a = storedAnchors('f');
  const cols = {
    churn_risk: churnRiskSql(T, a),
    trade_in_candidate: tradeInCandidateSql(T, a),
    trade_in_score: tradeInScoreSql(T, a),
    sweep_on: sweepOnSql(T, a),
  };
  const c = await exec(sql`update customer_facts f set ${sql.join(Object.entries(cols).map(([n, v]) => sql`${sql.raw(n)} = ${v}`), sql`, `)},
      as_of = ${T}, computed_at = ${now}::timestamptz
    where f.sweep_on <= ${T}`);
  return { customers: c.rowCount ?? 0 };
}

/**
 * Recomputes derived facts as of a day: for everyone (full) or for `customerIds` (incremental). Customers who are no
 * longer active lose their facts; vehicles no longer in use lose theirs.
 */
export async function refreshFacts(db: TDb, opts: TRefreshOptions): Promise<TRefreshResult> {
  const started = Date.now();
  const tz = opts.timeZone ?? 'Asia/Shanghai';
  const today = typeof opts.asOf === 'string' ? opts.asOf : localDate(opts.asOf, tz);
  let kind: TRefreshResult['kind'] = opts.customerIds ? 'incremental' : opts.due ? 'daily' : 'full';
  // A scope of customers (given, or those due) rather than everyone.
  let scoped = kind !== 'full';
  const batchSize = Math.max(1000, opts.batchSize ?? 50_000);
  const requested = opts.now ?? new Date();
  // computed_at of the rows written: set once the lock is held (see `clock`).
  let now = requested;
  const log = opts.log ?? (() => {});
  const phases: Record<string, number> = {};
  let mark = Date.now();
  const phase = (name: string) => {
    phases[name] = Date.now() - mark;
    mark = Date.now();
  };

  const settings = await loadStoreSettings(db);
  const [run] = await db.insert(segmentFactRuns).values({ kind, asOf: today, startedAt: requested, settingsDigest: settingsDigest(settings) }).returning({ id: segmentFactRuns.id });

  // The pool behind drizzle: temp tables need one session for the whole refresh.
  const pool = (db as unknown as { $client: pg.Pool }).$client;
  const client = await pool.connect();
  const sdb = drizzle(client);
  const exec: Exec = async (q) => {
    const t0 = Date.now();
    const res = (await sdb.execute(q)) as unknown as pg.QueryResult;
    if (opts.trace) {
      const text = dialect.sqlToQuery(q);
      opts.trace(text.sql, Date.now() - t0, text.params);
    }
    return res;
  };
  let locked = false;
  // The daily sweep in flight. Every write of the recompute waits for it first: the two write customer_facts rows in
  // different orders, and overlapping row locks could deadlock; values stay right either way (the upsert compares
  // with the row as it is at write time, and the sweep recomputes a row it waited for from that row's anchors).
  let sweeping: Promise<void> | null = null;
  const sweepDone = async () => {
    if (sweeping) await sweeping;
  };
  const result: TRefreshResult = { kind, asOf: today, customers: 0, vehicles: 0, changedCustomers: 0, changedVehicles: 0, removedCustomers: 0, removedVehicles: 0, batches: 0, ms: 0, phases };
  try {
    if (opts.lockWaitMs !== undefined) {
      await exec(sql.raw(`set lock_timeout = ${Math.max(1, Math.round(opts.lockWaitMs))}`));
      try {
        await exec(sql`select pg_advisory_lock(hashtextextended(${LOCK_KEY}, 0))`);
      } catch (err) {
        if ((err as { cause?: { code?: string } }).cause?.code === '55P03' || (err as { code?: string }).code === '55P03') throw new FactsBusyError();
        throw err;
      } finally {
        await exec(sql`reset lock_timeout`).catch(() => {});
      }
    } else {
      await exec(sql`select pg_advisory_lock(hashtextextended(${LOCK_KEY}, 0))`);
    }
    locked = true;
    if (opts.clock) now = opts.clock();
    for (const v of WORK_VIEWS) await exec(sql.raw(`drop view if exists ${v}`));
    for (const t of WORK_TABLES) await exec(sql.raw(`drop table if exists ${t}`));
    // Aggregation over millions of rows: room for the hash tables of this one session, so that a million groups
    // aggregate in memory rather than through sorts on disk (beyond it they spill: a ceiling, not a need).
    await exec(sql`set work_mem = '256MB'`);

    const p = {
      today,
      tz,
      // Day boundaries in the group's time zone, as instants: ROs and behaviour up to the end of `today` count.
      end: localMidnight(addDays(today, 1), tz),
      midnightEpoch: localMidnight(today, tz).getTime() / 1000,
      since12m: localMidnight(addMonths(today, -12), tz),
      since6m: localMidnight(addMonths(today, -6), tz),
      intentFrom: localMidnight(addDays(today, -Math.max(...[...settings.values()].map((s) => s.intentWindowDays), 1)), tz),
      now,
    };

    await exec(sql`create unlogged table segwork_s as select * from jsonb_to_recordset(${JSON.stringify([...settings].map(([id, s]) => settingsRow(id, s)))}::jsonb) as s(
      store_id uuid, new_owner_max_years float8, regular_max_years float8, high_value_spend_fen bigint, luxury_is_high_value boolean,
      potential_max_spend_fen bigint, trade_in_age_years float8, trade_in_mileage_km int, trade_in_repairs int, trade_in_valuations int,
      trade_in_model_views int, intent_window_days int, valuation_kinds text[], model_view_kinds text[], add_on_kinds text[],
      trade_in_tags text[], family_min_seats int, family_body_types text[], family_pattern text, family_tags text[],
      business_occupations text[], business_tags text[], business_luxury boolean, young_max_age int, churn_medium_days int,
      churn_high_days int, default_km_per_day float8, warranty_months int, default_interval_months int, default_interval_km int,
      default_first_service_months int, default_first_service_km int)`);
    await exec(sql`alter table segwork_s add primary key (store_id)`);

    // The daily run: the calendar sweep (the values computed from stored anchors alone), and the customers whose
    // other values are due today, those active without facts and those with facts no longer active.
    if (kind === 'daily') {
      // The sweep runs on a session of its own, side by side with the recompute's reads (it touches only swept
      // columns of customer_facts, the recompute writes only after it: see sweepDone).
      const sweeper = await pool.connect();
      const sweepStarted = Date.now();
      sweeping = sweepCalendarFacts(async (q) => (await drizzle(sweeper).execute(q)) as unknown as pg.QueryResult, p.today, now)
        .then((swept) => {
          result.sweptCustomers = swept.customers;
          phases.sweep = Date.now() - sweepStarted;
        })
        .finally(() => sweeper.release());
      sweeping.catch(() => {}); // awaited by sweepDone
      // New customers are looked for among those created since the last complete run (two days' margin): the event
      // path has normally computed them already, and the weekly reconciliation catches any other gap.
      const [last] = (await exec(sql`select coalesce(max(started_at), 'epoch'::timestamptz) as at from segment_fact_runs
        where kind in ('full', 'daily') and finished_at is not null and error is null`)).rows as { at: Date }[];
      const since = new Date(Math.min(new Date(last!.at).getTime(), now.getTime()) - 2 * 86_400_000);
      await exec(sql`create unlogged table segwork_scope as
        select customer_id as id from customer_facts where stale_on <= ${p.today}::date
        union
        select c.id from customers c where c.created_at >= ${since}::timestamptz and c.status = 'active'
          and not exists (select 1 from customer_facts f where f.customer_id = c.id)
        union
        select c.id from customers c where c.status <> 'active' and exists (select 1 from customer_facts f where f.customer_id = c.id)`);
      const [due] = (await exec(sql`select count(*)::int as n from segwork_scope`)).rows as { n: number }[];
      result.due = due?.n ?? 0;
      // Past a quarter of the customers, one pass over everything is cheaper than probing each customer.
      if (result.due > (opts.dueFullAbove ?? 250_000)) {
        await sweepDone();
        kind = 'full';
        scoped = false;
        result.kind = 'full';
        await exec(sql`drop table segwork_scope`);
      }
      phase('due');
    }
    // Scope predicates: everyone, or the given customers (and, for mileage history, their vehicles' ROs).
    let inScope: (col: SQL) => SQL = () => sql`true`;
    if (scoped) {
      if (opts.customerIds) {
        await exec(sql`create unlogged table segwork_scope as select distinct jsonb_array_elements_text(${JSON.stringify(opts.customerIds)}::jsonb)::uuid as id`);
      }
      await exec(sql`alter table segwork_scope add primary key (id)`);
      await exec(sql`analyze segwork_scope`);
      // As an array: each table is probed by its customer index (a semi-join would hash half a table per statement).
      inScope = (col) => sql`${col} = any(array(select id from segwork_scope))`;
      // A few thousand customers: index probes in this one process; starting parallel workers costs more than they save.
      await exec(sql`set max_parallel_workers_per_gather = 0`);
    }

    // 1. Repair orders, one pass, per (customer, vehicle): visit and spend counters, the first and last mileage
    // readings, the last maintenance. Only plain aggregates over stored columns (no per-row arithmetic): this is the
    // one statement that reads every repair order. It names only columns that repair_orders_facts_idx
    // (customer_id, vehicle_id) INCLUDE (opened_at, kind, stage, mileage_km, total_fen) covers: an index-only scan
    // in group order instead of the whole table.
    const maint = sql`r.kind in ('first_service', 'maintenance')`;
    // Repair orders dated after today (a run for a past day) count from their day on: they are kept apart
    // (`future_at`) and only mark the day the customer is due again.
    const past = sql`r.opened_at < ${p.end}::timestamptz`;
    const w12 = sql`r.opened_at >= ${p.since12m}::timestamptz and ${past}`;
    const w6r = sql`r.opened_at >= ${p.since6m}::timestamptz and ${past} and r.kind in ('repair', 'accident')`;
    const roQuery = sql`create unlogged table segwork_ro as
      select r.vehicle_id, r.customer_id,
        count(*) filter (where ${w12})::int as visits_12m,
        coalesce(sum(r.total_fen) filter (where ${w12}), 0)::bigint as spend_12m,
        max(r.opened_at) filter (where ${past}) as last_visit_at,
        count(*) filter (where ${w6r})::int as repairs_6m,
        min(r.opened_at) filter (where r.mileage_km is not null and ${past}) as first_read_at,
        max(r.opened_at) filter (where r.mileage_km is not null and ${past}) as last_read_at,
        min(r.mileage_km) filter (where ${past}) as first_km,
        max(r.mileage_km) filter (where ${past}) as last_km,
        max(r.opened_at) filter (where ${maint} and ${past}) as maint_at,
        max(r.mileage_km) filter (where ${maint} and ${past}) as maint_km,
        -- the earliest order still inside each window: the day it leaves, the counters change
        min(r.opened_at) filter (where ${w12}) as w12_at,
        min(r.opened_at) filter (where ${w6r}) as w6_at,
        min(r.opened_at) filter (where not (${past})) as future_at,
        count(*) filter (where ${past}) > 0 as past
      from repair_orders r
      where r.stage <> 'booked' and ${inScope(sql`r.customer_id`)}
      group by r.customer_id, r.vehicle_id`;

    // 2. Everything else known per customer, in one aggregate over three sources (fewer joins below): online
    // behaviour in the intent window (each store's own window and kinds), the tags the settings name, and marketing
    // consent per channel.
    const tagNames = [...new Set([...settings.values()].flatMap((s) => [...s.tradeInTags, ...s.familyTags, ...s.businessTags]))];
    const since = sql`${p.end}::timestamptz - make_interval(days => s.intent_window_days)`;
    const xQuery = sql`create unlogged table segwork_x as
      select u.customer_id, sum(u.valuations)::int as valuations, sum(u.model_views)::int as model_views, sum(u.add_on)::int as add_on,
        array_agg(u.tag order by u.tag) filter (where u.tag is not null) as names,
        coalesce(bool_or(u.sms), false) as sms, coalesce(bool_or(u.wechat), false) as wechat,
        -- the first day a counted event leaves its store's window (the counts change), and the earliest one after today
        min(u.exit_on) as exit_on, min(u.future_at) as future_at
      from (
        select b.customer_id,
          (b.kind = any(s.valuation_kinds) and b.occurred_at >= ${since} and b.occurred_at < ${p.end}::timestamptz)::int as valuations,
          (b.kind = any(s.model_view_kinds) and b.occurred_at >= ${since} and b.occurred_at < ${p.end}::timestamptz)::int as model_views,
          (b.kind = any(s.add_on_kinds) and b.occurred_at >= ${since} and b.occurred_at < ${p.end}::timestamptz)::int as add_on,
          null::text as tag, null::boolean as sms, null::boolean as wechat,
          case when b.occurred_at >= ${since} and b.occurred_at < ${p.end}::timestamptz
            and b.kind = any(s.valuation_kinds || s.model_view_kinds || s.add_on_kinds)
            then (b.occurred_at at time zone ${p.tz})::date + s.intent_window_days end as exit_on,
          case when b.occurred_at >= ${p.end}::timestamptz and b.kind = any(s.valuation_kinds || s.model_view_kinds || s.add_on_kinds) then b.occurred_at end as future_at
        from behaviour_events b
        join segwork_s s on s.store_id = b.store_id
        where b.occurred_at >= ${p.intentFrom}::timestamptz and ${inScope(sql`b.customer_id`)}
        union all
        select ct.customer_id, 0, 0, 0, t.name, null, null, null, null
        from customer_tags ct join tags t on t.id = ct.tag_id
        where t.name in (select jsonb_array_elements_text(${JSON.stringify(tagNames)}::jsonb)) and ${inScope(sql`ct.customer_id`)}
        union all
        select cc.customer_id, 0, 0, 0, null, cc.channel = 'sms', cc.channel = 'wechat', null, null
        from customer_consents cc
        where cc.purpose = 'marketing' and cc.granted and cc.channel in ('sms', 'wechat') and ${inScope(sql`cc.customer_id`)}
      ) u
      group by u.customer_id`;
    // A full or daily run computes 2 (one process: behaviour, tags and consents) on a second session while 1 (the
    // index scan) runs; an incremental one (a few thousand customers) runs them one after the other.
    if (kind === 'incremental') {
      await exec(roQuery);
      await exec(xQuery);
    } else {
      const aside = await pool.connect();
      try {
        const adb = drizzle(aside);
        const both = await Promise.allSettled([
          exec(roQuery),
          (async () => {
            await adb.execute(sql`set work_mem = '256MB'`);
            if (scoped) await adb.execute(sql`set max_parallel_workers_per_gather = 0`);
            await adb.execute(xQuery);
          })(),
        ]);
        const failed = both.find((o): o is PromiseRejectedResult => o.status === 'rejected');
        if (failed) throw failed.reason;
      } finally {
        await aside.query('reset work_mem').catch(() => {});
        await aside.query('reset max_parallel_workers_per_gather').catch(() => {});
        aside.release();
      }
    }
    // Statistics on the work tables, so that the joins below hash the smaller side.
    for (const t of ['segwork_ro', 'segwork_x']) await exec(sql.raw(`analyze ${t}`));
    phase('aggregate');

    // 3. Vehicle facts, and per (vehicle, customer) the RO counters the customer roll-up needs: vehicles FULL JOIN
    // the RO aggregate, so that ROs a customer had on a car that is no longer theirs still count as their visits
    // (such rows carry no vehicle facts). Mileage history is the owner's ROs on the car; a car changing hands starts
    // from its last reading. Stored values are chosen to stay put from day to day (see vehicle_facts): the due date
    // comes from the readings. Each level computes its values once (OFFSET 0 keeps PostgreSQL from inlining them into
    // every place they are used), and the last one compares with the stored facts: `changed` marks what to write.
    // The stored facts to compare with (alias t): a scoped run looks its rows up by primary key, a lateral fenced
    // with OFFSET 0 (as a plain join the planner, which cannot tell how few rows come, hashes all 1.4M vehicle facts);
    // a full run's halves hash the stored rows of their own customers (half the table each).
    const storedOf = (table: string, key: string, part: (col: SQL) => SQL) =>
      scoped
        ? sql`left join lateral (select * from ${sql.raw(table)} t0 where t0.${sql.raw(key)} = n.${sql.raw(key)} offset 0) t on true`
        : sql`left join (select * from ${sql.raw(table)} where ${part(sql`customer_id`)}) t on t.${sql.raw(key)} = n.${sql.raw(key)}`;
    const dayOf = (at: SQL) => sql`floor((date_part('epoch', ${at}) - ${p.midnightEpoch}::float8) / 86400)::int`;
    const vCols = ['customer_id', 'store_id', 'base_day', 'est_anchor_km', 'est_anchor_day', 'km_per_day', 'last_reading_km', 'last_reading_date', 'next_maintenance_due_date', 'next_maintenance_due_km', 'first_service_done', 'insurance_expiry', 'warranty_end'];
    const differs = (a: string, b: string, cols: string[]) => sql.raw(`(${cols.map((c) => `${a}.${c}`).join(', ')}) is distinct from (${cols.map((c) => `${b}.${c}`).join(', ')})`);
    const vehiclesStage = (ex: Exec, k: number, part: (col: SQL) => SQL) => ex(sql`create unlogged table ${sql.raw(`segwork_v_${k}`)} as
      select n.*, n.vehicle_id is not null and n.in_use and (t.vehicle_id is null or ${differs('t', 'n', vCols)}) as changed
      from (
        select e.vehicle_id, e.customer_id, e.store_id, e.in_use, e.luxury, e.family_vehicle, e.base_day,
          e.visits_12m, e.spend_12m, e.last_visit_at, e.repairs_6m, e.w12_at, e.w6_at,
          ${p.today}::date - e.base_day as age_days,
          e.anchor_km as est_anchor_km,
          e.anchor_day as est_anchor_day,
          e.kmpd::real as km_per_day,
          e.last_km as last_reading_km,
          e.last_day as last_reading_date,
          ${estimatedKmRawSql(p.today, sql`e.anchor_km`, sql`e.kmpd::real`, sql`e.anchor_day`)} as est_now,
          least(e.by_months, case when e.due_km is not null and e.kmpd > 0 and e.anchor_day is not null
            then e.anchor_day + least(36500, greatest(-36500, ceil((e.due_km - e.anchor_km) / e.kmpd)))::int end) as next_maintenance_due_date,
          e.due_km as next_maintenance_due_km,
          e.maint_x is not null as first_service_done,
          e.insurance_expiry,
          coalesce(e.warranty_end, (e.base_day + make_interval(months => e.warranty_months))::date) as warranty_end
        from (
          select k.*,
            -- Where the straight line starts: the last reading, else delivery at 0 km.
            case when k.last_km is not null then k.last_day else k.base_day end as anchor_day,
            coalesce(k.last_km, 0) as anchor_km,
            -- km per day: first → last RO reading (≥ 30 days apart); else the last reading over the days since
            -- delivery; else the store's default. Clamped to a plausible range.
            least(500, greatest(0, coalesce(
              case when k.x1 - k.x0 >= 30 and k.ro_last_km > k.ro_first_km then (k.ro_last_km - k.ro_first_km)::float8 / (k.x1 - k.x0) end,
              case when k.last_km > 0 and k.last_day - k.base_day >= 30 then k.last_km::float8 / (k.last_day - k.base_day) end,
              k.default_km_per_day))) as kmpd,
            -- Next maintenance: months or km after the last maintenance, whichever comes first; before any, the first service.
            case when k.maint_x is not null then (${p.today}::date + k.maint_x + make_interval(months => k.interval_months))::date
                 else (k.base_day + make_interval(months => k.first_service_months))::date end as by_months,
            case when k.maint_x is not null then k.maint_km + k.interval_km
                 when k.base_day is not null then k.first_service_km end as due_km
          from (
            select j.*,
              -- The last reading: the latest of the RO readings and the vehicle's own record (an import, a manual entry).
              greatest(j.ro_last_km, j.v_last_km) as last_km,
              ${p.today}::date + greatest(j.x1, j.v_last_at - ${p.today}::date) as last_day
            from (
              select v.id as vehicle_id, coalesce(v.customer_id, ro.customer_id) as customer_id, v.store_id,
                coalesce(v.status = 'in_use', false) as in_use,
                coalesce(m.luxury, false) as luxury,
                (coalesce(m.seats, 0) >= s.family_min_seats or coalesce(m.body_type::text = any(s.family_body_types), false)) as family_vehicle,
                coalesce(v.delivery_date, v.purchase_date) as base_day,
                ro.visits_12m, ro.spend_12m, ro.last_visit_at, ro.repairs_6m, ro.w12_at, ro.w6_at,
                ${dayOf(sql`ro.first_read_at`)} as x0, ${dayOf(sql`ro.last_read_at`)} as x1,
                ro.first_km as ro_first_km, ro.last_km as ro_last_km,
                ${dayOf(sql`ro.maint_at`)} as maint_x, ro.maint_km,
                v.last_mileage_km as v_last_km, v.last_mileage_at as v_last_at, v.insurance_expiry, v.warranty_end,
                coalesce(m.maintenance_interval_months, s.default_interval_months) as interval_months,
                coalesce(m.maintenance_interval_km, s.default_interval_km) as interval_km,
                coalesce(m.first_service_months, s.default_first_service_months) as first_service_months,
                coalesce(m.first_service_km, s.default_first_service_km) as first_service_km,
                s.default_km_per_day, s.warranty_months
              from (select * from vehicles where ${inScope(sql`customer_id`)} and ${part(sql`customer_id`)}) v
              full join (select * from segwork_ro where past and ${part(sql`customer_id`)}) ro on ro.vehicle_id = v.id and ro.customer_id = v.customer_id
              left join segwork_s s on s.store_id = v.store_id
              left join vehicle_models m on m.id = v.model_id
              offset 0
            ) j
            offset 0
          ) k
          offset 0
        ) e
        offset 0
      ) n
      -- The stored facts (see storedOf). A car whose stored facts belong to a customer of the other half finds none
      -- and counts as changed (the upsert still compares).
      ${storedOf('vehicle_facts', 'vehicle_id', part)}`);

    // 4. Customer facts for every active customer in scope. The inner query computes each input once (regular
    // expression, tag overlaps, age, days since the last visit); the outer one only combines them — PostgreSQL would
    // otherwise evaluate a shared expression again at every place it is used.
    const todayNum = Number(p.today.replaceAll('-', ''));
    const cCols = ['store_id', 'lifecycle_stage', 'value_tier', 'needs', 'last_visit_at', 'visits_12m', 'spend_12m_fen', 'repairs_6m', 'age', 'vehicle_count', 'has_trade_in_intent', 'has_add_on_intent', 'churn_risk', 'trade_in_candidate', 'trade_in_score', 'trade_in_other_reasons', 'trade_in_other_hit', 'next_maintenance_due_date', 'next_insurance_expiry', 'oldest_vehicle_day', 'km_anchor_km', 'km_anchor_day', 'km_per_day', 'trade_in_base', 'trade_in_age_years', 'trade_in_mileage_km', 'churn_since', 'churn_medium_days', 'churn_high_days', 'stale_on', 'sweep_on', 'consent_sms_marketing', 'consent_wechat_marketing'];
    // The calendar values come from the anchors through the same expressions the daily sweep uses (calendar.ts): the
    // inner levels name the anchors as customer_facts does, so the sweep's own mapping applies (the car count aside).
    const A: TCalendarAnchors = { ...storedAnchors('m'), vehicleCount: sql`m.in_use` };
    const T = sql`${p.today}::date`;
    const localDay = (at: SQL) => sql`(${at} at time zone ${p.tz})::date`;
    // A day from which a value changes, no earlier than tomorrow (what is due today has just been computed).
    const fromTomorrow = (d: SQL) => fromTomorrowSql(T, d);
    // A line's slope from today on: nothing before its anchor day.
    const eff = (w: string) => sql`(case when ${sql.raw(w)}.est_anchor_day > ${T} then 0 else ${sql.raw(w)}.km_per_day::float8 end)`;
    const leaderStage = (ex: Exec, k: number) => ex(sql`create unlogged table ${sql.raw(`segwork_l_${k}`)} as
      select distinct on (w.customer_id) w.customer_id, w.est_anchor_km as l_km, w.est_anchor_day as l_day, w.km_per_day as l_rate,
        w.est_now as l_est, ${eff('w')} as l_eff
      from ${sql.raw(`segwork_v_${k}`)} w
      where w.in_use and w.vehicle_id is not null and w.est_now is not null
      order by w.customer_id, w.est_now desc, ${eff('w')} desc, w.vehicle_id`);
    const customersStage = (ex: Exec, k: number, part: (col: SQL) => SQL) => ex(sql`create unlogged table ${sql.raw(`segwork_c_${k}`)} as
      select n.*, t.customer_id is null or ${differs('t', 'n', cCols)} as changed
      from (
      select m.customer_id, m.store_id,
        case when m.in_use = 0 then (case when m.total > 0 then 'replacement'::lifecycle_stage else 'prospect'::lifecycle_stage end)
             when m.intent then 'replacement'::lifecycle_stage
             when m.min_age_days is null then 'regular'::lifecycle_stage
             when m.min_age_days < m.new_owner_days then 'new_owner'::lifecycle_stage
             when m.min_age_days <= m.regular_days then 'regular'::lifecycle_stage
             else 'replacement'::lifecycle_stage end as lifecycle_stage,
        case when m.spend >= m.high_value_spend_fen or (m.luxury_is_high_value and m.any_luxury) then 'high_value'::value_tier
             when m.spend < m.potential_max_spend_fen and (m.intent or m.add_on > 0) then 'potential'::value_tier
             else 'regular'::value_tier end as value_tier,
        (case when m.family then '{family}'::text[] else '{}'::text[] end)
          || (case when m.business then '{business}'::text[] else '{}'::text[] end)
          || (case when m.young then '{young}'::text[] else '{}'::text[] end) as needs,
        m.last_visit_at,
        m.visits as visits_12m,
        m.spend as spend_12m_fen,
        m.repairs as repairs_6m,
        m.age,
        m.in_use as vehicle_count,
        m.intent as has_trade_in_intent,
        m.add_on > 0 as has_add_on_intent,
        ${churnRiskSql(T, A)} as churn_risk,
        ${tradeInCandidateSql(T, A)} as trade_in_candidate,
        ${tradeInScoreSql(T, A)} as trade_in_score,
        m.trade_in_other_reasons,
        m.trade_in_other_hit,
        m.next_maintenance_due_date,
        m.next_insurance_expiry,
        m.oldest_vehicle_day,
        m.km_anchor_km,
        m.km_anchor_day,
        m.km_per_day,
        m.trade_in_base,
        m.trade_in_age_years,
        m.trade_in_mileage_km,
        m.churn_since,
        m.churn_medium_days,
        m.churn_high_days,
        -- The first day a stored value other than the swept ones changes without new records (see customer_facts).
        least(
          case when m.birthday is not null then ${fromTomorrow(sql`(m.birthday + make_interval(years => m.age + 1))::date`)} end,
          ${fromTomorrow(sql`(${localDay(sql`m.w12_at`)} + interval '12 months')::date + 1`)},
          ${fromTomorrow(sql`(${localDay(sql`m.w6_at`)} + interval '6 months')::date + 1`)},
          ${fromTomorrow(sql`m.intent_exit_on`)},
          ${fromTomorrow(localDay(sql`m.ro_future_at`))},
          ${fromTomorrow(localDay(sql`m.intent_future_at`))},
          case when m.in_use > 0 and m.min_age_days < m.new_owner_days then ${fromTomorrow(sql`m.newest_day + ceil(m.new_owner_days)::int`)} end,
          case when m.in_use > 0 and m.min_age_days <= m.regular_days then ${fromTomorrow(sql`m.newest_day + floor(m.regular_days)::int + 1`)} end,
          m.min_future_insurance + 1,
          ${fromTomorrow(sql`m.overtake`)},
          m.kink
        ) as stale_on,
        ${sweepOnSql(T, A)} as sweep_on,
        m.consent_sms_marketing,
        m.consent_wechat_marketing
      from (
        select k.*,
          k.in_use > 0 and (k.valuations >= k.trade_in_valuations or k.model_views >= k.trade_in_model_views or k.trade_tag) as intent,
          k.repairs >= k.trade_in_repairs as repairs_hit,
          k.repairs >= k.trade_in_repairs
            or (k.in_use > 0 and (k.valuations >= k.trade_in_valuations or k.model_views >= k.trade_in_model_views or k.trade_tag)) as trade_in_other_hit,
          (15 * least(1, k.repairs::float8 / greatest(k.trade_in_repairs, 1))
            + case when k.in_use > 0 and (k.valuations >= k.trade_in_valuations or k.model_views >= k.trade_in_model_views or k.trade_tag) then 15
                   else 5 * least(2, k.model_views + k.valuations) end)::real as trade_in_base,
          array_remove(array[
            case when k.repairs >= k.trade_in_repairs then '6 个月内维修 ' || k.repairs || ' 次' end,
            case when k.model_views > 0 then '浏览新车 ' || k.model_views || ' 次' end,
            case when k.valuations > 0 then '申请估价 ' || k.valuations || ' 次' end,
            case when k.trade_tag then '标签：' || array_to_string(array(select unnest(k.tag_names) intersect select unnest(k.trade_in_tags)), '、') end
          ], null) as trade_in_other_reasons,
          k.family_vehicle or k.family_notes or k.family_tag as family,
          k.business_occ or k.business_tag or (k.business_luxury and k.any_luxury) as business,
          coalesce(k.age < k.young_max_age, false) as young
        from (
          select c.id as customer_id, c.store_id, c.birthday,
            coalesce(vc.in_use, 0) as in_use, coalesce(vc.total, 0) as total,
            ${p.today}::date - vc.newest_day as min_age_days, vc.newest_day, vc.oldest_day as oldest_vehicle_day,
            coalesce(vc.any_luxury, false) as any_luxury, coalesce(vc.family_vehicle, false) as family_vehicle,
            vc.next_maintenance_due_date, vc.next_insurance_expiry, vc.min_future_insurance,
            coalesce(vc.spend_12m, 0) as spend, coalesce(vc.visits_12m, 0) as visits, coalesce(vc.repairs_6m, 0) as repairs,
            vc.last_visit_at, vc.w12_at, vc.w6_at, vc.kink,
            l.l_km as km_anchor_km, l.l_day as km_anchor_day, l.l_rate as km_per_day, ot.overtake, fu.future_at as ro_future_at,
            -- the last sign of life: a visit, else the delivery of the newest car
            greatest(${localDay(sql`vc.last_visit_at`)}, vc.newest_day) as churn_since,
            coalesce(x.valuations, 0) as valuations, coalesce(x.model_views, 0) as model_views, coalesce(x.add_on, 0) as add_on,
            x.exit_on as intent_exit_on, x.future_at as intent_future_at,
            x.names as tag_names,
            coalesce(x.names && s.trade_in_tags, false) as trade_tag,
            coalesce(x.names && s.family_tags, false) as family_tag,
            coalesce(x.names && s.business_tags, false) as business_tag,
            c.household_notes <> '' and s.family_pattern is not null and c.household_notes ~ s.family_pattern as family_notes,
            c.occupation = any(s.business_occupations) as business_occ,
            -- full years: the difference of YYYYMMDD numbers, in ten-thousands
            (${todayNum} - (date_part('year', c.birthday) * 10000 + date_part('month', c.birthday) * 100 + date_part('day', c.birthday)))::int / 10000 as age,
            coalesce(x.sms, false) as consent_sms_marketing, coalesce(x.wechat, false) as consent_wechat_marketing,
            s.new_owner_max_years * 365.25 as new_owner_days, s.regular_max_years * 365.25 as regular_days,
            s.high_value_spend_fen, s.luxury_is_high_value, s.potential_max_spend_fen,
            s.trade_in_age_years::real as trade_in_age_years, s.trade_in_mileage_km,
            s.trade_in_repairs, s.trade_in_valuations, s.trade_in_model_views, s.trade_in_tags, s.business_luxury, s.young_max_age,
            s.churn_medium_days, s.churn_high_days
          from customers c
          join segwork_s s on s.store_id = c.store_id
          left join (
            select customer_id,
              coalesce(sum(visits_12m), 0)::int as visits_12m, coalesce(sum(spend_12m), 0)::bigint as spend_12m,
              max(last_visit_at) as last_visit_at, coalesce(sum(repairs_6m), 0)::int as repairs_6m,
              min(w12_at) as w12_at, min(w6_at) as w6_at,
              (count(*) filter (where vehicle_id is not null))::int as total, (count(*) filter (where in_use))::int as in_use,
              max(base_day) filter (where in_use) as newest_day, min(base_day) filter (where in_use) as oldest_day,
              bool_or(luxury) filter (where in_use) as any_luxury, bool_or(family_vehicle) filter (where in_use) as family_vehicle,
              min(est_anchor_day) filter (where in_use and est_anchor_day > ${p.today}::date) as kink,
              min(next_maintenance_due_date) filter (where in_use) as next_maintenance_due_date,
              min(insurance_expiry) filter (where in_use and insurance_expiry >= ${p.today}::date) as min_future_insurance,
              coalesce(min(insurance_expiry) filter (where in_use and insurance_expiry >= ${p.today}::date),
                       max(insurance_expiry) filter (where in_use)) as next_insurance_expiry
            from ${sql.raw(`segwork_v_${k}`)} group by customer_id
          ) vc on vc.customer_id = c.id
          left join ${sql.raw(`segwork_l_${k}`)} l on l.customer_id = c.id
          -- the first day another car's estimate passes the leader's (both lines from today on)
          left join (
            select w.customer_id, min(${p.today}::date + least(36500, floor((l2.l_est - w.est_now) / (${eff('w')} - l2.l_eff)))::int) as overtake
            from ${sql.raw(`segwork_v_${k}`)} w join ${sql.raw(`segwork_l_${k}`)} l2 on l2.customer_id = w.customer_id
            where w.in_use and w.vehicle_id is not null and w.est_now is not null and ${eff('w')} > l2.l_eff
            group by w.customer_id
          ) ot on ot.customer_id = c.id
          left join (
            select customer_id, min(future_at) as future_at from segwork_ro
            where future_at is not null and ${part(sql`customer_id`)} group by customer_id
          ) fu on fu.customer_id = c.id
          left join segwork_x x on x.customer_id = c.id
          where c.status = 'active' and ${inScope(sql`c.id`)} and ${part(sql`c.id`)}
          offset 0
        ) k
        offset 0
      ) m
      offset 0
      ) n
      ${storedOf('customer_facts', 'customer_id', part)}`);

    // 5. Write what changed, in batches by customer-id range, each batch its own short transaction (the unchanged
    // rows were only read by the joins above, never locked or rewritten). Each half writes its own rows on its own
    // session, side by side: a customer's row and a vehicle's row (under its current owner) belong to exactly one
    // half, so the two sessions never wait on each other's rows.
    const setList = (cols: string[]) => sql.raw(cols.map((c) => `${c} = excluded.${c}`).join(', '));
    const writeStage = async (ex: Exec, k: number) => {
      const vt = sql.raw(`segwork_v_${k}`);
      const ct = sql.raw(`segwork_c_${k}`);
      await ex(sql`create index on ${vt} (customer_id) where changed`);
      await ex(sql`create index on ${ct} (customer_id) where changed`);
      const bounds = (await ex(sql`select id::text as id from (
          select id, row_number() over (order by id) as rn from (select customer_id as id from ${ct} where changed union select customer_id from ${vt} where changed) u) x
        where rn % ${batchSize} = 0 order by id`)).rows.map((r) => (r as { id: string }).id);
      const ranges: [string | null, string | null][] = [];
      let lo: string | null = null;
      for (const b of bounds) {
        ranges.push([lo, b]);
        lo = b;
      }
      ranges.push([lo, null]);
      for (const [from, to] of ranges) {
        const range = sql.join([sql.raw('true'), ...(from ? [sql`customer_id > ${from}::uuid`] : []), ...(to ? [sql`customer_id <= ${to}::uuid`] : [])], sql` and `);
        await ex(sql`begin`);
        try {
          const v = await ex(sql`insert into vehicle_facts as t (vehicle_id, ${sql.raw(vCols.join(', '))}, as_of, computed_at)
            select vehicle_id, ${sql.raw(vCols.join(', '))}, ${p.today}::date, ${p.now}::timestamptz from ${vt} where changed and ${range}
            on conflict (vehicle_id) do update set ${setList(vCols)}, as_of = excluded.as_of, computed_at = excluded.computed_at
            where ${differs('t', 'excluded', vCols)}`);
          const c = await ex(sql`insert into customer_facts as t (customer_id, ${sql.raw(cCols.join(', '))}, as_of, computed_at)
            select customer_id, ${sql.raw(cCols.join(', '))}, ${p.today}::date, ${p.now}::timestamptz from ${ct} where changed and ${range}
            on conflict (customer_id) do update set ${setList(cCols)}, as_of = excluded.as_of, computed_at = excluded.computed_at
            where ${differs('t', 'excluded', cCols)}`);
          await ex(sql`commit`);
          result.changedVehicles += v.rowCount ?? 0;
          result.changedCustomers += c.rowCount ?? 0;
        } catch (err) {
          await ex(sql`rollback`).catch(() => {});
          throw err;
        }
        result.batches++;
      }
    };

    // Stages 3 and 4 are CPU-bound passes over every vehicle and customer that PostgreSQL runs on one core: a full
    // refresh splits the customers in two id ranges and runs each half on its own session, side by side. The halves
    // are read back through views (segwork_vall, segwork_call).
    // A daily run's customers due (tens of thousands) are split the same way, at the middle of the scope.
    const halves: ((col: SQL) => SQL)[] = [];
    if (kind === 'incremental') halves.push(() => sql`true`);
    else {
      const [mid] = (
        scoped
          ? await exec(sql`select id::text as id from segwork_scope order by id offset ${Math.floor((result.due ?? 0) / 2)} limit 1`)
          : await exec(sql`select id::text as id from customers order by id
          offset greatest(0, (select reltuples::bigint from pg_class where oid = 'customers'::regclass) / 2) limit 1`)
      ).rows as { id: string }[];
      if (mid) halves.push((col) => sql`${col} < ${mid.id}::uuid`, (col) => sql`${col} >= ${mid.id}::uuid`);
      else halves.push(() => sql`true`);
    }
    const second = halves.length > 1 ? await pool.connect() : null;
    try {
      const execs: Exec[] = [exec];
      if (second) {
        const db2 = drizzle(second);
        const exec2: Exec = async (q) => (await db2.execute(q)) as unknown as pg.QueryResult;
        await exec2(sql`set work_mem = '256MB'`);
        if (scoped) await exec2(sql`set max_parallel_workers_per_gather = 0`);
        execs.push(exec2);
      }
      // Both halves run to the end (neither session is released mid-statement); the first failure is rethrown.
      const outcomes = await Promise.allSettled(
        halves.map(async (part, k) => {
          const ex = execs[k]!;
          await vehiclesStage(ex, k, part);
          await ex(sql.raw(`analyze segwork_v_${k}`));
          await leaderStage(ex, k);
          await ex(sql.raw(`analyze segwork_l_${k}`));
          await customersStage(ex, k, part);
          await sweepDone();
          await writeStage(ex, k);
        }),
      );
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    } finally {
      if (second) {
        await second.query('reset work_mem').catch(() => {});
        await second.query('reset max_parallel_workers_per_gather').catch(() => {});
        second.release();
      }
    }
    const union = (prefix: string) => sql.raw(halves.map((_, k) => `select * from ${prefix}_${k}`).join(' union all '));
    await exec(sql`create view segwork_vall as ${union('segwork_v')}`);
    await exec(sql`create view segwork_call as ${union('segwork_c')}`);
    phase('vehicles, customers and write');

    const counts = (await exec(sql`select (select count(*) from segwork_call)::int as c, (select count(*) from segwork_vall where in_use and vehicle_id is not null)::int as v`)).rows[0] as { c: number; v: number };
    result.customers = counts.c;
    result.vehicles = counts.v;

    // 6. Facts of customers no longer active and of vehicles no longer in use (or moved out of scope) go.
    await sweepDone();
    const rmC = await exec(sql`delete from customer_facts f using customers c
      where c.id = f.customer_id and c.status <> 'active' and ${inScope(sql`f.customer_id`)}`);
    // Incremental: the scope's stored vehicle facts that this run did not produce (no longer in use, or the car went
    // to another customer, whose own refresh adds it back). Full: every vehicle no longer in use.
    const rmV = scoped
      ? await exec(sql`delete from vehicle_facts f where ${inScope(sql`f.customer_id`)}
          and not exists (select 1 from segwork_vall w where w.vehicle_id = f.vehicle_id and w.customer_id = f.customer_id and w.in_use)`)
      : await exec(sql`delete from vehicle_facts f using vehicles v where v.id = f.vehicle_id and v.status <> 'in_use'`);
    result.removedCustomers = rmC.rowCount ?? 0;
    result.removedVehicles = rmV.rowCount ?? 0;
    // Fresh statistics after rewriting much of a table (the first run, a settings change): segment counts plan their
    // joins on them. The daily changes (about a tenth of the rows) are left to autovacuum.
    if (!scoped && result.changedCustomers > result.customers / 4) await exec(sql`analyze customer_facts`);
    if (!scoped && result.changedVehicles > result.vehicles / 4) await exec(sql`analyze vehicle_facts`);
    phase('cleanup');
  } catch (err) {
    await db
      .update(segmentFactRuns)
      .set({ finishedAt: new Date(), error: err instanceof Error ? err.message.slice(0, 2000) : String(err) })
      .where(sql`${segmentFactRuns.id} = ${run!.id}`)
      .catch(() => {});
    throw err;
  } finally {
    // Never leave the sweep running past the lock.
    await sweeping?.catch(() => {});
    for (const v of WORK_VIEWS) await exec(sql.raw(`drop view if exists ${v}`)).catch(() => {});
    for (const t of WORK_TABLES) await exec(sql.raw(`drop table if exists ${t}`)).catch(() => {});
    await exec(sql`reset work_mem`).catch(() => {});
    await exec(sql`reset max_parallel_workers_per_gather`).catch(() => {});
    if (locked) await exec(sql`select pg_advisory_unlock(hashtextextended(${LOCK_KEY}, 0))`).catch(() => {});
    client.release();
  }
  result.ms = Date.now() - started;
  await db
    .update(segmentFactRuns)
    .set({
      kind: result.kind,
      finishedAt: new Date(),
      customers: result.customers,
      vehicles: result.vehicles,
      changedCustomers: result.changedCustomers,
      changedVehicles: result.changedVehicles,
      durationMs: result.ms,
    })
    .where(sql`${segmentFactRuns.id} = ${run!.id}`);
  log(`facts ${kind} as of ${today}: ${result.customers} customers (${result.changedCustomers} changed), ${result.vehicles} vehicles (${result.changedVehicles} changed) in ${result.ms} ms ${JSON.stringify(phases)}`);
  return result;
}
