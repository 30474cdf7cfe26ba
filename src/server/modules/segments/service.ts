import { and, asc, desc, eq, getTableColumns, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import ExcelJS from 'exceljs';
import { PassThrough, type Readable } from 'node:stream';
import { ZodError } from 'zod';
import type { TCustomerListItem } from '../../../contracts/customers.js';
import {
  CHURN_RISKS,
  CMP_LABELS,
  DATE_CMP_LABELS,
  FIELD_GROUPS,
  LIFECYCLE_STAGES,
  NEEDS,
  optionLabel,
  RELATIVE_UNITS,
  SEGMENT_FIELDS,
  TAG_CMP_LABELS,
  VALUE_TIERS,
  ZFactSettingsPatch,
  ZSegmentRule,
  type TCustomerFacts,
  type TFactSettingsPut,
  type TFactSettingsView,
  type TSegment,
  type TSegmentCreate,
  type TSegmentFieldsOut,
  type TSegmentListQuery,
  type TSegmentPreview,
  type TSegmentRule,
  type TSegmentUpdate,
} from '../../../contracts/segments.js';
import { formatFen, maskMobile } from '../../../contracts/validators.js';
import type { TConfig } from '../../config.js';
import type { TDb, TDbOrTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { BusinessRuleError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Jobs } from '../../platform/jobs.js';
import { decodeCursor, encodeCursor } from '../../platform/pagination.js';
import { assertCan, assertStoreAccess, isGroupWide, storeScope, SYSTEM_ACTOR, type Actor } from '../../platform/rbac.js';
import { recordAudit } from '../audit/service.js';
import { customers, customerTags, tags } from '../customers/schema.js';
import { listFacts } from '../customers/service.js';
import { importJobs } from '../imports/schema.js';
import { staff, stores } from '../org/schema.js';
import { vehicleModels, vehicles } from '../vehicles/schema.js';
import { compileRule, SEGMENT_FROM, segmentCountSql, type TCompileContext } from './compiler.js';
import { liveCustomerFields, liveVehicleFields } from './calendar.js';
import { FactsBusyError, loadStoreSettings, refreshFacts, settingsDigest, type TRefreshOptions, type TRefreshResult } from './facts.js';
import { localDate, mergeSettings } from './rules.js';
import { customerFacts, segmentEventReceipts, segments, segmentSettings, vehicleFacts } from './schema.js';

/** Domain events after which a customer's facts are recomputed. */
export const FACT_EVENT_TYPES = [
  'repair_order.opened',
  'repair_order.closed',
  'sales_order.delivered',
  'import.completed',
  'customer.created',
  'customer.updated',
  'customer.merged',
  'customer.consent_changed',
] as const;
/** Events older than this are left to the daily full refresh (which covers everyone anyway). */
const EVENT_LOOKBACK_MS = 3 * 86_400_000;
/** Above this many changed customers, one full refresh is cheaper than an incremental one. */
const FULL_REFRESH_ABOVE = 200_000;
const INCREMENTAL_CHUNK = 20_000;
const SAMPLE_SIZE = 20;
const EXPORT_PAGE = 2000;
export const EXPORT_MAX_ROWS = 1_000_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const creator = alias(staff, 'creator');
const consultant = alias(staff, 'consultant');
const advisor = alias(staff, 'advisor');

/** A segment's audience as SQL, for the journeys engine and exports. */
export interface TResolvedSegment {
  /** `customer_facts f JOIN customers c ON c.id = f.customer_id` */
  from: SQL;
  /** Active customers in the actor's (and the segment's) scope matching the rule (`c.status = 'active'` included). */
  where: SQL;
  /** `select c.id as customer_id, c.store_id from … where …` — usable as a subquery. */
  customers: SQL;
  /** The business day relative dates counted from. */
  today: string;
}

type TSegmentRow = typeof segments.$inferSelect;

/** Turns a zod error of a rule into a 400 naming each bad node's path. */
function ruleValidationError(err: ZodError, prefix: string): ValidationError {
  const errors = err.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message }));
  return new ValidationError(errors[0]?.message ?? '条件有误 / Invalid rule', errors);
}

/** Parses an unknown rule with the shared contract; a bad rule is a 400 with the path of every bad node. */
export function parseRule(rule: unknown, pathPrefix = 'rule'): TSegmentRule {
  const r = ZSegmentRule.safeParse(rule);
  if (!r.success) throw ruleValidationError(r.error, pathPrefix);
  return r.data;
}

/**
 * The segments service: derived facts (refresh, the event consumer, per-customer read), settings, the field
 * catalogue, live preview, saved segments with their customers and Excel export, and `resolveSegment` for journeys.
 */
export function createSegmentsService(deps: { db: TDb; clock: Clock; jobs: Jobs | null; config: TConfig }) {
  const { db, clock, config } = deps;
  const timeZone = config.BAOKE_TIMEZONE ?? 'Asia/Shanghai';
  const compileCtx = (): TCompileContext => ({ today: localDate(clock.now(), timeZone), timeZone });

  // -------------------------------------------------------------------------------------------------------------
  // Facts
  // -------------------------------------------------------------------------------------------------------------

  /** Recomputes facts (everyone, or `customerIds`) as of the clock's today unless `asOf` is given. */
  function refresh(opts: Partial<TRefreshOptions> = {}): Promise<TRefreshResult> {
    return refreshFacts(db, { timeZone, now: clock.now(), clock: () => clock.now(), ...opts, asOf: opts.asOf ?? clock.now() });
  }

  /** Customers touched by an import: rows of the import's store written since it started. */
  async function customersOfImport(importId: unknown): Promise<string[] | 'all'> {
    if (typeof importId !== 'string' || !UUID.test(importId)) return [];
    const [job] = await db.select({ storeId: importJobs.storeId, startedAt: importJobs.startedAt, createdAt: importJobs.createdAt }).from(importJobs).where(eq(importJobs.id, importId));
    if (!job) return [];
    const since = job.startedAt ?? job.createdAt;
    const res = await db.execute<{ id: string }>(sql`
      select id from customers where store_id = ${job.storeId} and updated_at >= ${since}
      union select customer_id from vehicles where store_id = ${job.storeId} and updated_at >= ${since}
      union select customer_id from repair_orders where store_id = ${job.storeId} and updated_at >= ${since}
      union select customer_id from sales_orders where store_id = ${job.storeId} and updated_at >= ${since}
      limit ${FULL_REFRESH_ABOVE + 1}`);
    return res.rows.length > FULL_REFRESH_ABOVE ? 'all' : res.rows.map((r) => r.id);
  }

  /**
   * The `segments.refresh-changed` job: takes the fact-relevant domain events this consumer has not handled yet,
   * recomputes those customers' facts, and records its receipts (other consumers of the outbox are unaffected).
   * Idempotent: running it twice, or on two workers at once, recomputes the same customers and records each receipt once.
   */
  async function refreshChanged(opts: { limit?: number } = {}): Promise<{ events: number; customers: number; full: boolean }> {
    const now = clock.now();
    const since = new Date(now.getTime() - EVENT_LOOKBACK_MS);
    const events = (
      await db.execute<{ id: string; type: string; customer_id: string | null; payload: Record<string, unknown> }>(sql`
        select e.id, e.type, e.customer_id, e.payload from domain_events e
        where e.created_at >= ${since} and e.type in (${sql.join(FACT_EVENT_TYPES.map((t) => sql`${t}`), sql`, `)})
          and not exists (select 1 from ${segmentEventReceipts} r where r.event_id = e.id)
        order by e.created_at limit ${opts.limit ?? 10_000}`)
    ).rows;
    if (events.length === 0) return { events: 0, customers: 0, full: false };
    const ids = new Set<string>();
    let full = false;
    for (const e of events) {
      if (e.customer_id) ids.add(e.customer_id);
      const source = e.payload?.['sourceId'];
      if (typeof source === 'string' && UUID.test(source)) ids.add(source);
      if (e.type === 'import.completed') {
        const touched = await customersOfImport(e.payload?.['importId']);
        if (touched === 'all') full = true;
        else touched.forEach((id) => ids.add(id));
      }
    }
    if (full || ids.size > FULL_REFRESH_ABOVE) {
      full = true;
      await refresh();
    } else {
      const all = [...ids];
      for (let i = 0; i < all.length; i += INCREMENTAL_CHUNK) await refresh({ customerIds: all.slice(i, i + INCREMENTAL_CHUNK) });
    }
    await db
      .insert(segmentEventReceipts)
      .values(events.map((e) => ({ eventId: e.id, processedAt: now })))
      .onConflictDoNothing();
    await db.delete(segmentEventReceipts).where(sql`${segmentEventReceipts.processedAt} < ${new Date(now.getTime() - 2 * EVENT_LOOKBACK_MS)}`);
    return { events: events.length, customers: full ? -1 : ids.size, full };
  }

  async function vehicleFactsOf(customerId: string) {
    return db
      .select({ f: vehicleFacts, live: liveVehicleFields(localDate(clock.now(), timeZone)), plate: vehicles.plate, status: vehicles.status, series: vehicleModels.series, modelName: vehicleModels.name })
      .from(vehicleFacts)
      .innerJoin(vehicles, eq(vehicles.id, vehicleFacts.vehicleId))
      .leftJoin(vehicleModels, eq(vehicleModels.id, vehicles.modelId))
      .where(eq(vehicleFacts.customerId, customerId))
      .orderBy(sql`${vehicleFacts.nextMaintenanceDueDate} asc nulls last`, asc(vehicleFacts.vehicleId));
  }

  /** Facts rows with the values computed when read (calendar.ts), for today. */
  function selectFacts(where: SQL) {
    return db
      .select({ ...getTableColumns(customerFacts), ...liveCustomerFields(localDate(clock.now(), timeZone)) })
      .from(customerFacts)
      .where(where);
  }
  type TFactsWithLive = Awaited<ReturnType<typeof selectFacts>>[number];

  async function lastFullAsOf(): Promise<string | null> {
    const r = await db.execute<{ as_of: string }>(sql`select max(as_of)::text as as_of from segment_fact_runs where kind in ('full', 'daily') and finished_at is not null and error is null`);
    return r.rows[0]?.as_of ?? null;
  }

  /** Facts rows → the API shape (labels in Chinese; the console switches language from the option lists). */
  function factsOut(f: TFactsWithLive, vs: Awaited<ReturnType<typeof vehicleFactsOf>>, lastFull: string | null): TCustomerFacts {
    const asOf = lastFull && lastFull > f.asOf ? lastFull : f.asOf;
    // Countdowns are counted from the business day of the request, not of the computation.
    const today = localDate(clock.now(), timeZone);
    return {
      customerId: f.customerId,
      storeId: f.storeId,
      lifecycleStage: f.lifecycleStage,
      lifecycleStageLabel: optionLabel(LIFECYCLE_STAGES, f.lifecycleStage),
      valueTier: f.valueTier,
      valueTierLabel: optionLabel(VALUE_TIERS, f.valueTier),
      needs: f.needs as TCustomerFacts['needs'],
      needsLabels: f.needs.map((n) => optionLabel(NEEDS, n)),
      lastVisitAt: f.lastVisitAt,
      visits12m: f.visits12m,
      spend12mFen: f.spend12mFen,
      repairs6m: f.repairs6m,
      age: f.age,
      vehicleCount: f.vehicleCount,
      hasTradeInIntent: f.hasTradeInIntent,
      hasAddOnIntent: f.hasAddOnIntent,
      churnRisk: f.churnRisk,
      churnRiskLabel: optionLabel(CHURN_RISKS, f.churnRisk),
      churnScore: f.churnScore,
      tradeInCandidate: f.tradeInCandidate,
      tradeInScore: f.tradeInScore,
      tradeInReasons: f.tradeInReasons,
      tradeInSummary: f.tradeInReasons.join(' · '),
      nextMaintenanceDueDate: f.nextMaintenanceDueDate,
      nextInsuranceExpiry: f.nextInsuranceExpiry,
      daysToInsuranceExpiry: f.nextInsuranceExpiry === null ? null : dayDiff(today, f.nextInsuranceExpiry),
      maxEstimatedMileageKm: f.maxEstimatedMileageKm,
      asOf,
      computedAt: f.computedAt,
      vehicles: vs.map(({ f: v, live, plate, status, series, modelName }) => ({
        vehicleId: v.vehicleId,
        plate,
        modelName: modelName === null ? null : [series, modelName].filter(Boolean).join(' '),
        status,
        ageYears: live.ageYears,
        kmPerDay: v.kmPerDay === null ? null : Math.round(v.kmPerDay * 10) / 10,
        estimatedMileageKm: live.estimatedMileageKm,
        lastReadingKm: v.lastReadingKm,
        lastReadingDate: v.lastReadingDate,
        nextMaintenanceDueDate: v.nextMaintenanceDueDate,
        nextMaintenanceDueKm: v.nextMaintenanceDueKm,
        nextMaintenanceKind: v.nextMaintenanceDueDate === null && v.nextMaintenanceDueKm === null ? null : v.firstServiceDone ? 'maintenance' : 'first_service',
        firstServiceDone: v.firstServiceDone,
        insuranceExpiry: v.insuranceExpiry,
        daysToInsuranceExpiry: v.insuranceExpiry === null ? null : dayDiff(today, v.insuranceExpiry),
        warrantyEnd: v.warrantyEnd,
        computedAt: v.computedAt,
      })),
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Segments
  // -------------------------------------------------------------------------------------------------------------

  /** Store scope (the actor's, and the segment's own store) on the facts row, whose store follows the customer's. */
  function scopeWhere(actor: Actor, segmentStoreId: string | null): SQL {
    const parts = [storeScope(actor, sql`f.store_id`)];
    if (segmentStoreId) parts.push(sql`f.store_id = ${segmentStoreId}`);
    return sql.join(parts, sql` and `);
  }
  const baseWhere = (actor: Actor, segmentStoreId: string | null) => sql`c.status = 'active' and ${scopeWhere(actor, segmentStoreId)}`;

  async function findSegment(exec: TDbOrTx, actor: Actor, id: string): Promise<TSegmentRow> {
    const [row] = await exec
      .select()
      .from(segments)
      .where(and(eq(segments.id, id), isNull(segments.archivedAt)));
    // A group-wide segment is visible to every store; a store's segment only to that store (and group admins).
    if (!row || (row.storeId && !isGroupWide(actor) && row.storeId !== actor.storeId)) throw new NotFoundError('客群');
    return row;
  }

  function assertCanEdit(actor: Actor, row: TSegmentRow) {
    assertCan(actor, 'segments.write');
    if (row.storeId === null && !isGroupWide(actor)) throw new ForbiddenError('集团客群仅集团管理员可修改 / Only group admins change group-wide segments');
  }

  async function resolve(actor: Actor, segmentOrRule: string | TSegmentRule | unknown): Promise<TResolvedSegment & { segment: TSegmentRow | null; countSql: SQL }> {
    let rule: TSegmentRule;
    let segment: TSegmentRow | null = null;
    if (typeof segmentOrRule === 'string') {
      segment = await findSegment(db, actor, segmentOrRule);
      rule = parseRule(segment.rule);
    } else {
      rule = parseRule(segmentOrRule);
    }
    const x = compileCtx();
    const compiled = compileRule(rule, x);
    const storeId = segment?.storeId ?? null;
    const where = sql`${baseWhere(actor, storeId)} and ${compiled}`;
    const countSql = segmentCountSql(rule, x, scopeWhere(actor, storeId));
    return { from: SEGMENT_FROM, where, customers: sql`select c.id as customer_id, c.store_id from ${SEGMENT_FROM} where ${where}`, today: x.today, segment, countSql };
  }

  async function count(r: { countSql: SQL }): Promise<number> {
    const res = await db.execute<{ n: number }>(r.countSql);
    return res.rows[0]!.n;
  }

  /** Customer list items (the customers list's shape) for ids, in the given order. */
  async function listItems(ids: string[]): Promise<TCustomerListItem[]> {
    if (ids.length === 0) return [];
    const [rows, tagRows, vehicleRows] = await Promise.all([
      db
        .select({
          id: customers.id,
          name: customers.name,
          gender: customers.gender,
          mobile: customers.mobile,
          city: customers.city,
          storeId: customers.storeId,
          storeName: stores.name,
          createdAt: customers.createdAt,
          consultantId: customers.salesConsultantId,
          consultantName: consultant.displayName,
          advisorId: customers.serviceAdvisorId,
          advisorName: advisor.displayName,
          facts: {
            customerId: customerFacts.customerId,
            lifecycleStage: customerFacts.lifecycleStage,
            valueTier: customerFacts.valueTier,
            needs: customerFacts.needs,
            churnRisk: customerFacts.churnRisk,
            tradeInScore: customerFacts.tradeInScore,
            lastVisitAt: customerFacts.lastVisitAt,
            visits12m: customerFacts.visits12m,
            spend12mFen: customerFacts.spend12mFen,
            nextMaintenanceDueDate: customerFacts.nextMaintenanceDueDate,
            nextInsuranceExpiry: customerFacts.nextInsuranceExpiry,
            maxEstimatedMileageKm: liveCustomerFields(localDate(clock.now(), timeZone)).maxEstimatedMileageKm,
          },
        })
        .from(customers)
        .innerJoin(stores, eq(stores.id, customers.storeId))
        .leftJoin(consultant, eq(consultant.id, customers.salesConsultantId))
        .leftJoin(advisor, eq(advisor.id, customers.serviceAdvisorId))
        .leftJoin(customerFacts, eq(customerFacts.customerId, customers.id))
        .where(inArray(customers.id, ids)),
      db
        .select({ customerId: customerTags.customerId, id: tags.id, name: tags.name, color: tags.color })
        .from(customerTags)
        .innerJoin(tags, eq(tags.id, customerTags.tagId))
        .where(inArray(customerTags.customerId, ids))
        .orderBy(asc(tags.name)),
      db
        .select({
          customerId: vehicles.customerId,
          id: vehicles.id,
          plate: vehicles.plate,
          vin: vehicles.vin,
          modelName: sql<string | null>`case when ${vehicleModels.id} is null then null else concat_ws(' ', ${vehicleModels.series}, ${vehicleModels.name}) end`,
        })
        .from(vehicles)
        .leftJoin(vehicleModels, eq(vehicleModels.id, vehicles.modelId))
        .where(inArray(vehicles.customerId, ids))
        .orderBy(sql`${vehicles.purchaseDate} desc nulls last`, asc(vehicles.id)),
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const group = <T extends { customerId: string }>(xs: T[]) => {
      const m = new Map<string, T[]>();
      for (const x of xs) m.set(x.customerId, [...(m.get(x.customerId) ?? []), x]);
      return m;
    };
    const tagsBy = group(tagRows);
    const vehiclesBy = group(vehicleRows);
    const ref = (id: string | null, name: string | null) => (id && name !== null ? { id, displayName: name } : null);
    return ids
      .map((id) => byId.get(id))
      .filter((r): r is NonNullable<typeof r> => !!r)
      .map((r) => ({
        id: r.id,
        name: r.name,
        gender: r.gender,
        mobileMasked: r.mobile ? maskMobile(r.mobile) : null,
        city: r.city,
        storeId: r.storeId,
        storeName: r.storeName,
        salesConsultant: ref(r.consultantId, r.consultantName),
        serviceAdvisor: ref(r.advisorId, r.advisorName),
        tags: (tagsBy.get(r.id) ?? []).map((t) => ({ id: t.id, name: t.name, color: t.color })),
        vehicles: (vehiclesBy.get(r.id) ?? []).map((v) => ({ id: v.id, plate: v.plate, vin: v.vin, modelName: v.modelName })),
        createdAt: r.createdAt,
        facts: listFacts(r.facts),
      }));
  }

  async function pageIds(r: TResolvedSegment, limit: number, after?: string): Promise<string[]> {
    const res = await db.execute<{ id: string }>(sql`select f.customer_id as id from ${r.from} where ${r.where}${after ? sql` and f.customer_id > ${after}::uuid` : sql``} order by f.customer_id limit ${limit}`);
    return res.rows.map((x) => x.id);
  }

  async function segmentsOut(rows: TSegmentRow[], actor: Actor): Promise<TSegment[]> {
    if (rows.length === 0) return [];
    const storeIds = [...new Set(rows.map((r) => r.storeId).filter((s): s is string => !!s))];
    const staffIds = [...new Set(rows.map((r) => r.createdBy).filter((s): s is string => !!s))];
    const [storeRows, staffRows] = await Promise.all([
      storeIds.length ? db.select({ id: stores.id, name: stores.name }).from(stores).where(inArray(stores.id, storeIds)) : Promise.resolve([]),
      staffIds.length ? db.select({ id: creator.id, displayName: creator.displayName }).from(creator).where(inArray(creator.id, staffIds)) : Promise.resolve([]),
    ]);
    const storeName = new Map(storeRows.map((s) => [s.id, s.name]));
    const staffName = new Map(staffRows.map((s) => [s.id, s.displayName]));
    return rows.map((r) => {
      // A group-wide count spans every store: a store's staff see their own count by previewing, not the group's.
      const showCount = r.storeId !== null || isGroupWide(actor);
      return {
        id: r.id,
        storeId: r.storeId,
        storeName: r.storeId ? (storeName.get(r.storeId) ?? null) : null,
        name: r.name,
        description: r.description,
        rule: r.rule as TSegment['rule'],
        createdBy: r.createdBy && staffName.has(r.createdBy) ? { id: r.createdBy, displayName: staffName.get(r.createdBy)! } : null,
        lastCount: showCount ? r.lastCount : null,
        lastCountedAt: showCount ? r.lastCountedAt : null,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      };
    });
  }

  /** Counts a saved segment in its own scope (its store, or the group) and stores the figure. */
  async function recount(id: string): Promise<void> {
    const [row] = await db.select().from(segments).where(eq(segments.id, id));
    if (!row) return;
    const n = await count(await resolve(SYSTEM_ACTOR, id));
    await db.update(segments).set({ lastCount: n, lastCountedAt: clock.now(), updatedAt: sql`${segments.updatedAt}` }).where(eq(segments.id, id));
  }

  function isNameTaken(err: unknown): boolean {
    for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
      const pg = e as { code?: string; constraint?: string };
      if (pg.code === '23505') return pg.constraint === 'segments_name_uq';
    }
    return false;
  }

  const service = {
    /** Recomputes derived facts (see `refreshFacts`): everyone, or the given customers. */
    refreshFacts: refresh,

    /** Every customer's facts as of today (or `asOf`): the weekly `segments.reconcile` job, the CLI, tests. */
    refreshAll: (asOf?: string) => refresh(asOf ? { asOf } : {}),

    /**
     * The daily refresh (`segments.refresh-daily`, and the journeys daily run before its rules): the calendar sweep
     * and the customers due (see `refreshFacts`). Everyone instead when there has been no complete run yet, when
     * facts settings changed since the last one, or for a day before the last run's (a run for a past day).
     */
    async refreshDaily(asOf?: string): Promise<TRefreshResult> {
      const day = asOf ?? localDate(clock.now(), timeZone);
      const r = await db.execute<{ digest: string | null; last_day: string | null }>(sql`
        select (select settings_digest from segment_fact_runs where kind = 'full' and finished_at is not null and error is null
                order by started_at desc, id desc limit 1) as digest,
               (select max(as_of)::text from segment_fact_runs where kind in ('full', 'daily') and finished_at is not null and error is null) as last_day`);
      const { digest, last_day: lastDay } = r.rows[0] ?? { digest: null, last_day: null };
      const full = !digest || !lastDay || day < lastDay || digest !== settingsDigest(await loadStoreSettings(db));
      return refresh({ asOf: day, due: !full });
    },

    refreshChanged,

    /**
     * A customer's facts and their vehicles' facts, with labels. Computes them on the spot for a customer who has
     * none yet (created since the last run).
     */
    async getFacts(actor: Actor, customerId: string): Promise<TCustomerFacts> {
      assertCan(actor, 'customers.read');
      const [c] = await db
        .select({ id: customers.id, storeId: customers.storeId, status: customers.status })
        .from(customers)
        .where(and(eq(customers.id, customerId), storeScope(actor, customers.storeId)));
      if (!c) throw new NotFoundError('客户');
      let [f] = await selectFacts(eq(customerFacts.customerId, customerId));
      if (!f && c.status === 'active') {
        try {
          await refresh({ customerIds: [customerId], lockWaitMs: 3000 });
        } catch (err) {
          if (err instanceof FactsBusyError) throw new BusinessRuleError('facts-busy', '客户洞察正在更新，请稍后刷新 / Customer insights are being updated, try again shortly');
          throw err;
        }
        [f] = await selectFacts(eq(customerFacts.customerId, customerId));
      }
      if (!f) throw new NotFoundError('客户洞察');
      const [vs, lastFull] = await Promise.all([vehicleFactsOf(customerId), lastFullAsOf()]);
      return factsOut(f, vs, lastFull);
    },

    /** Facts of several customers (e.g. a list page), keyed by customer id; customers without facts are absent. */
    async factsByCustomer(customerIds: string[]): Promise<Map<string, TFactsWithLive>> {
      if (customerIds.length === 0) return new Map();
      const rows = await selectFacts(inArray(customerFacts.customerId, customerIds));
      return new Map(rows.map((r) => [r.customerId, r]));
    },

    /** The field catalogue for the rule builder, with comparator labels per field type. */
    fields(actor: Actor): TSegmentFieldsOut {
      assertCan(actor, 'segments.read');
      return {
        groups: FIELD_GROUPS.map((g) => ({ ...g })),
        fields: SEGMENT_FIELDS.map((f) => ({
          id: f.id,
          group: f.group,
          label: f.label,
          type: f.type,
          cmps: f.cmps.map((cmp) => ({ cmp, ...((f.type === 'date' ? DATE_CMP_LABELS[cmp] : f.type === 'tag' ? TAG_CMP_LABELS[cmp] : undefined) ?? CMP_LABELS[cmp]) })),
          ...(f.options ? { options: f.options.map((o) => ({ value: o.value, zh: o.zh, en: o.en })) } : {}),
          ...(f.optionsSource ? { optionsSource: f.optionsSource } : {}),
          ...(f.multi ? { multi: true } : {}),
          ...(f.integer ? { integer: true } : {}),
          ...(f.unit ? { unit: f.unit } : {}),
          ...(f.period ? { period: true } : {}),
          ...(f.kindOptions ? { kindOptions: f.kindOptions.map((o) => ({ ...o })) } : {}),
          ...(f.hint ? { hint: f.hint } : {}),
        })),
        relativeUnits: RELATIVE_UNITS.map((unit) => ({ unit, ...{ day: { zh: '天', en: 'days' }, month: { zh: '个月', en: 'months' }, year: { zh: '年', en: 'years' } }[unit] })),
      };
    },

    /**
     * The audience of a saved segment (by id) or of an inline rule, as SQL over `customers c` and `customer_facts f`,
     * scoped to the actor's store (and the segment's store) and to active customers. For the journeys engine:
     * `select … from (${r.customers}) a`.
     */
    async resolveSegment(actor: Actor, segmentOrRule: string | TSegmentRule): Promise<TResolvedSegment> {
      assertCan(actor, 'segments.read');
      const { segment: _s, countSql: _c, ...r } = await resolve(actor, segmentOrRule);
      return r;
    },

    /** Live count and a sample of 20 while a rule is being edited. */
    async preview(actor: Actor, rule: unknown): Promise<TSegmentPreview> {
      assertCan(actor, 'segments.read');
      const r = await resolve(actor, rule);
      const [n, ids] = await Promise.all([count(r), db.execute<{ id: string }>(sql`select f.customer_id as id from ${r.from} where ${r.where} order by f.customer_id desc limit ${SAMPLE_SIZE}`)]);
      return { count: n, sample: await listItems(ids.rows.map((x) => x.id)), asOf: r.today };
    },

    async list(actor: Actor, q: TSegmentListQuery): Promise<{ items: TSegment[]; nextCursor: string | null }> {
      assertCan(actor, 'segments.read');
      const conds: SQL[] = [isNull(segments.archivedAt)];
      if (!isGroupWide(actor)) conds.push(sql`(${segments.storeId} is null or ${segments.storeId} = ${actor.storeId})`);
      if (q.q) conds.push(sql`${segments.name} ilike ${`%${q.q.replace(/[\\%_]/g, '\\$&')}%`}`);
      const c = decodeCursor(q.cursor, 2) as [string, string] | undefined;
      if (c) {
        if (typeof c[0] !== 'string' || Number.isNaN(Date.parse(c[0])) || typeof c[1] !== 'string' || !UUID.test(c[1])) {
          throw new ValidationError('分页游标无效 / Invalid cursor', [{ path: 'querystring.cursor', message: 'invalid' }]);
        }
        conds.push(sql`(${segments.createdAt}, ${segments.id}) < (${c[0]}::timestamptz, ${c[1]}::uuid)`);
      }
      const rows = await db
        .select()
        .from(segments)
        .where(and(...conds))
        .orderBy(desc(segments.createdAt), desc(segments.id))
        .limit(q.limit + 1);
      const more = rows.length > q.limit;
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return { items: await segmentsOut(page, actor), nextCursor: more && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
    },

    async get(actor: Actor, id: string): Promise<TSegment> {
      assertCan(actor, 'segments.read');
      return (await segmentsOut([await findSegment(db, actor, id)], actor))[0]!;
    },

    /** Saves a segment for a store (or group-wide, group admins only) and counts it. Names are unique per store. */
    async create(actor: Actor, input: TSegmentCreate): Promise<TSegment> {
      assertCan(actor, 'segments.write');
      const rule = parseRule(input.rule, 'body.rule');
      let storeId: string | null;
      if (isGroupWide(actor)) storeId = input.storeId ?? null;
      else {
        if (input.storeId && input.storeId !== actor.storeId) throw new ForbiddenError('不能为其他门店保存客群 / Not your store');
        if (input.storeId === null) throw new ForbiddenError('集团客群仅集团管理员可创建 / Only group admins create group-wide segments');
        storeId = actor.storeId;
      }
      if (storeId) {
        const [s] = await db.select({ id: stores.id }).from(stores).where(eq(stores.id, storeId));
        if (!s) throw new ValidationError('门店不存在 / No such store', [{ path: 'body.storeId', message: 'unknown store' }]);
      }
      let id: string;
      try {
        id = await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(segments)
            .values({ storeId, name: input.name, description: input.description ?? '', rule, createdBy: actor.username === 'system' ? null : actor.staffId, updatedBy: actor.username === 'system' ? null : actor.staffId })
            .returning({ id: segments.id });
          await recordAudit(tx, actor, { action: 'segment.create', entityType: 'segment', entityId: row!.id, storeId, detail: { name: input.name } });
          return row!.id;
        });
      } catch (err) {
        if (isNameTaken(err)) throw new ConflictError('同名客群已存在 / A segment with this name exists');
        throw err;
      }
      await recount(id);
      return service.get(actor, id);
    },

    async update(actor: Actor, id: string, input: TSegmentUpdate): Promise<TSegment> {
      const row = await findSegment(db, actor, id);
      assertCanEdit(actor, row);
      const rule = input.rule === undefined ? undefined : parseRule(input.rule, 'body.rule');
      try {
        await db.transaction(async (tx) => {
          await tx
            .update(segments)
            .set({
              ...(input.name !== undefined ? { name: input.name } : {}),
              ...(input.description !== undefined ? { description: input.description } : {}),
              ...(rule !== undefined ? { rule } : {}),
              updatedBy: actor.username === 'system' ? null : actor.staffId,
              updatedAt: clock.now(),
            })
            .where(eq(segments.id, id));
          await recordAudit(tx, actor, { action: 'segment.update', entityType: 'segment', entityId: id, storeId: row.storeId, detail: { fields: Object.keys(input) } });
        });
      } catch (err) {
        if (isNameTaken(err)) throw new ConflictError('同名客群已存在 / A segment with this name exists');
        throw err;
      }
      if (rule !== undefined) await recount(id);
      return service.get(actor, id);
    },

    /** Archives a segment: it disappears from lists, and journeys naming it find it gone. */
    async archive(actor: Actor, id: string): Promise<void> {
      const row = await findSegment(db, actor, id);
      assertCanEdit(actor, row);
      await db.transaction(async (tx) => {
        await tx.update(segments).set({ archivedAt: clock.now(), updatedAt: clock.now() }).where(eq(segments.id, id));
        await recordAudit(tx, actor, { action: 'segment.archive', entityType: 'segment', entityId: id, storeId: row.storeId, detail: { name: row.name } });
      });
    },

    /** A page of a segment's customers (list items), by customer id. */
    async customers(actor: Actor, id: string, q: { limit: number; cursor?: string }): Promise<{ items: TCustomerListItem[]; nextCursor: string | null }> {
      assertCan(actor, 'customers.read');
      const r = await resolve(actor, id);
      const c = decodeCursor(q.cursor, 1) as [string] | undefined;
      if (c && (typeof c[0] !== 'string' || !UUID.test(c[0]))) throw new ValidationError('分页游标无效 / Invalid cursor', [{ path: 'querystring.cursor', message: 'invalid' }]);
      const ids = await pageIds(r, q.limit + 1, c?.[0]);
      const more = ids.length > q.limit;
      const page = ids.slice(0, q.limit);
      return { items: await listItems(page), nextCursor: more ? encodeCursor([page.at(-1)]) : null };
    },

    /**
     * The segment's customers as an .xlsx stream (phones masked), written page by page so memory stays flat. The
     * export is audited (`segment.export`, with the count) before the first byte goes out.
     */
    async export(actor: Actor, id: string): Promise<{ stream: Readable; fileName: string; count: number }> {
      assertCan(actor, 'segments.export');
      const r = await resolve(actor, id);
      const segment = r.segment!;
      const n = await count(r);
      if (n > EXPORT_MAX_ROWS) throw new ValidationError(`一次最多导出 ${EXPORT_MAX_ROWS.toLocaleString('en-US')} 位客户，请缩小客群 / At most ${EXPORT_MAX_ROWS} customers per export`);
      await recordAudit(db, actor, { action: 'segment.export', entityType: 'segment', entityId: id, storeId: isGroupWide(actor) ? segment.storeId : actor.storeId, detail: { name: segment.name, count: n } });
      const out = new PassThrough();
      const write = async () => {
        const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
        const ws = wb.addWorksheet('客群');
        ws.columns = [
          { header: '姓名', key: 'name', width: 12 },
          { header: '性别', key: 'gender', width: 6 },
          { header: '手机', key: 'mobile', width: 14 },
          { header: '城市', key: 'city', width: 10 },
          { header: '门店', key: 'store', width: 20 },
          { header: '销售顾问', key: 'consultant', width: 10 },
          { header: '服务顾问', key: 'advisor', width: 10 },
          { header: '生命周期', key: 'stage', width: 10 },
          { header: '价值分层', key: 'tier', width: 8 },
          { header: '最近到店', key: 'lastVisit', width: 12 },
          { header: '近12月到店', key: 'visits', width: 10 },
          { header: '近12月消费(元)', key: 'spend', width: 14 },
          { header: '流失风险', key: 'churn', width: 8 },
          { header: '置换意向分', key: 'tradeIn', width: 10 },
          { header: '置换原因', key: 'reasons', width: 36 },
          { header: '标签', key: 'tags', width: 24 },
          { header: '车辆', key: 'vehicles', width: 30 },
        ];
        ws.getRow(1).font = { bold: true };
        let after: string | undefined;
        for (;;) {
          const ids = await pageIds(r, EXPORT_PAGE, after);
          if (ids.length === 0) break;
          const [items, facts] = await Promise.all([listItems(ids), service.factsByCustomer(ids)]);
          for (const it of items) {
            const f = facts.get(it.id);
            ws.addRow({
              name: it.name,
              gender: { male: '男', female: '女', unknown: '' }[it.gender],
              mobile: it.mobileMasked ?? '',
              city: it.city,
              store: it.storeName,
              consultant: it.salesConsultant?.displayName ?? '',
              advisor: it.serviceAdvisor?.displayName ?? '',
              stage: f ? optionLabel(LIFECYCLE_STAGES, f.lifecycleStage) : '',
              tier: f ? optionLabel(VALUE_TIERS, f.valueTier) : '',
              lastVisit: f?.lastVisitAt ? localDate(f.lastVisitAt, timeZone) : '',
              visits: f?.visits12m ?? '',
              spend: f ? formatFen(f.spend12mFen).replace(/^¥/, '') : '',
              churn: f ? optionLabel(CHURN_RISKS, f.churnRisk) : '',
              tradeIn: f?.tradeInScore ?? '',
              reasons: f ? f.tradeInReasons.join(' · ') : '',
              tags: it.tags.map((t) => t.name).join('、'),
              vehicles: it.vehicles.map((v) => [v.plate ?? '', v.modelName ?? ''].filter(Boolean).join(' ')).join('；'),
            }).commit();
          }
          after = ids.at(-1);
          if (ids.length < EXPORT_PAGE) break;
        }
        ws.commit();
        await wb.commit();
      };
      write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
      const safe = segment.name.replace(/[\\/:*?"<>|\r\n]/g, '_');
      return { stream: out, fileName: `客群-${safe}-${r.today}.xlsx`, count: n };
    },

    /** Facts settings of a store (or the group with `storeId` null): effective values and this level's overrides. */
    async getSettings(actor: Actor, storeId: string | null): Promise<TFactSettingsView> {
      assertCan(actor, 'segments.read');
      if (storeId) assertStoreAccess(actor, storeId, '门店');
      const rows = await db.select().from(segmentSettings);
      const group = rows.find((r) => r.storeId === null);
      const own = storeId ? rows.find((r) => r.storeId === storeId) : group;
      return {
        storeId,
        effective: storeId ? mergeSettings(group?.overrides, own?.overrides) : mergeSettings(group?.overrides),
        overrides: ZFactSettingsPatch.parse(own?.overrides ?? {}),
        updatedAt: own?.updatedAt ?? null,
      };
    },

    /**
     * Replaces a level's overrides (group admins: the group or any store; store managers: their store). Takes effect
     * at the next facts refresh.
     */
    async putSettings(actor: Actor, input: TFactSettingsPut): Promise<TFactSettingsView> {
      assertCan(actor, 'segments.settings');
      const storeId = input.storeId ?? null;
      if (storeId === null && !isGroupWide(actor)) throw new ForbiddenError('集团默认值仅集团管理员可修改 / Only group admins change the group defaults');
      if (storeId) assertStoreAccess(actor, storeId, '门店');
      const merged = mergeSettings(input.overrides);
      if (merged.regularMaxYears < merged.newOwnerMaxYears) {
        throw new ValidationError('老客户车龄上限不能小于新购车主车龄上限 / The regular-owner age limit must not be below the new-owner one', [{ path: 'body.overrides.regularMaxYears', message: 'below newOwnerMaxYears' }]);
      }
      if (merged.churnHighDays < merged.churnMediumDays) {
        throw new ValidationError('高流失天数不能小于中流失天数 / High churn days must not be below medium', [{ path: 'body.overrides.churnHighDays', message: 'below churnMediumDays' }]);
      }
      await db.transaction(async (tx) => {
        const [existing] = await tx
          .select({ id: segmentSettings.id })
          .from(segmentSettings)
          .where(storeId ? eq(segmentSettings.storeId, storeId) : isNull(segmentSettings.storeId));
        const by = actor.username === 'system' ? null : actor.staffId;
        if (existing) await tx.update(segmentSettings).set({ overrides: input.overrides, updatedBy: by, updatedAt: clock.now() }).where(eq(segmentSettings.id, existing.id));
        else await tx.insert(segmentSettings).values({ storeId, overrides: input.overrides, updatedBy: by, createdAt: clock.now(), updatedAt: clock.now() });
        await recordAudit(tx, actor, { action: 'segment.settings', entityType: 'segment_settings', entityId: storeId, storeId, detail: { overrides: input.overrides } });
      });
      return service.getSettings(actor, storeId);
    },
  };
  return service;
}

function dayDiff(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export type TSegmentsService = ReturnType<typeof createSegmentsService>;
