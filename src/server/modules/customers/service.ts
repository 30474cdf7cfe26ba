import { and, asc, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type {
  TBehaviourEvent,
  TBehaviourEventCreate,
  TConsent,
  TConsentChannel,
  TConsentPurpose,
  TConsentPut,
  TCustomer,
  TCustomer360,
  TCustomerCreate,
  TCustomerList,
  TCustomerListItem,
  TCustomerListQuery,
  TCustomerSort,
  TCustomerTagAdd,
  TCustomerUpdate,
  TInteraction,
  TInteractionCreate,
  TRevealField,
  TRevealResult,
  TStaffRef,
  TTag,
  TTagCreate,
  TTagRef,
} from '../../../contracts/customers.js';
import type { TCustomerListFacts } from '../../../contracts/facts.js';
import { maskMobile } from '../../../contracts/validators.js';
import type { TConfig } from '../../config.js';
import type { TDb, TDbOrTx, TTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { BusinessRuleError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/pagination.js';
import { assertCan, isGroupWide, storeScope, targetStore, type Actor } from '../../platform/rbac.js';
import { emitEvent, recordAudit } from '../audit/service.js';
import { staff, stores } from '../org/schema.js';
import { customerFacts } from '../segments/schema.js';
import { liveCustomerFields } from '../segments/calendar.js';
import { repairOrders, repairOrderStages } from '../service/schema.js';
import { salesOrderMilestones, salesOrders } from '../sales/schema.js';
import { vehicleModels, vehicles } from '../vehicles/schema.js';
import { changedFields, classifySearch, describeTimelineEntry, escapeLike, maskIdNumber, mergeFill, type TSearch, type TTimelineRaw } from './rules.js';
import { behaviourEvents, customerConsents, customers, customerTags, interactions, tags } from './schema.js';

/**
 * What the customers module needs from the vehicles, sales and service modules to merge two customers: each moves
 * its own rows (vehicles; orders and milestones; repair orders and stages) from one customer to another inside the
 * caller's transaction. A module writes only its own tables.
 */
export interface TCustomerReassigner {
  reassignCustomer(tx: TTx, fromCustomerId: string, toCustomerId: string): Promise<unknown>;
}

export interface TCustomersDeps {
  db: TDb;
  clock: Clock;
  /** The group's time zone for the list's day-based filters (default Asia/Shanghai). */
  config?: Pick<TConfig, 'BAOKE_TIMEZONE'>;
  vehicles: TCustomerReassigner;
  sales: TCustomerReassigner;
  /**
   * Modules built after this one that also keep rows per customer (tasks, messages, loyalty): the composition root
   * adds them here once they exist, and a merge moves their rows in the same transaction.
   */
  mergeFollowers?: TCustomerReassigner[];
  serviceOrders: TCustomerReassigner;
}

type TCustomerRow = typeof customers.$inferSelect;

const consultant = alias(staff, 'consultant');
const advisor = alias(staff, 'advisor');
const recorder = alias(staff, 'recorder');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Searches whose matches are bounded by an equality on an index: counting them is as cheap as listing them. */
const COUNTED_SEARCHES = new Set<TSearch['kind']>(['last4', 'mobile', 'plate']);
const LATEST = 50;
const TIMELINE_MAX = 100;
/**
 * Up to this many matching ids, a tag or vehicle filter drives the list query (see relationFilters). Fetching n
 * customers by id costs about as much as walking 51 × scope/n rows of a sort index; the limits sit near that
 * crossover for a store (~100k customers) and for the whole group (~1M).
 */
const CANDIDATE_LIMIT = { store: 2500, group: 8000 };
/** Up to this many matching vehicles, a vehicle filter's rows are sorted by owner 建档时间 and drive the page. */
const SORTED_DRIVE_MAX = 200_000;

/** A filter whose rows, in the page's order, choose the page (see relationFilters). */
interface TDrive {
  /** `select cca, customer_id … order by cca, customer_id` in the page's direction, after the cursor. */
  rows: SQL;
  dir: 'asc' | 'desc';
}
/**
 * Derived facts such as a high trade-in score, high churn or an old last visit belong to long-standing customers,
 * the far end of the default newest-first order, so walking that order finds their page several times slower than
 * the uniform spread the limits above assume (100k bench: 16,000 rows walked for the 51 newest of "score ≥ 80").
 * Their id sets therefore drive the page up to twice the limits; at three times, dense uncorrelated facts (a value
 * tier, ~23%) started to lose more than the correlated ones gained.
 */
const FACTS_CANDIDATE_FACTOR = 2;

const staffRef = (id: string | null, displayName: string | null): TStaffRef | null => (id && displayName !== null ? { id, displayName } : null);
type TFactsRow = Pick<typeof customerFacts.$inferSelect, 'customerId' | 'lifecycleStage' | 'valueTier' | 'needs' | 'churnRisk' | 'tradeInScore' | 'lastVisitAt' | 'visits12m' | 'spend12mFen' | 'nextMaintenanceDueDate' | 'nextInsuranceExpiry'> & {
  maxEstimatedMileageKm: number | null;
};

/** A list row's facts (left-joined: null when the customer has no facts row yet). */
export function listFacts(f: TFactsRow | null): TCustomerListFacts | null {
  // A computed field keeps the left-joined object from being null as a whole: no facts row = no customer id.
  if (!f || f.customerId === null) return null;
  return {
    lifecycleStage: f.lifecycleStage,
    valueTier: f.valueTier,
    needs: f.needs as TCustomerListFacts['needs'],
    churnRisk: f.churnRisk,
    tradeInScore: f.tradeInScore,
    lastVisitAt: f.lastVisitAt,
    visits12m: f.visits12m,
    spend12mFen: f.spend12mFen,
    nextMaintenanceDueDate: f.nextMaintenanceDueDate,
    nextInsuranceExpiry: f.nextInsuranceExpiry,
    maxEstimatedMileageKm: f.maxEstimatedMileageKm,
  };
}

/** Staff id to store on a row the actor wrote; the system actor is no staff member. */
const staffIdOf = (actor: Actor) => (actor.username === 'system' ? null : actor.staffId);
/** The business day in a store's time zone ('YYYY-MM-DD'). */
const localDate = (at: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/** A PostgreSQL unique violation on `constraint`, unwrapped from drizzle's query error. */
function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const pg = e as { code?: string; constraint?: string };
    if (pg.code === '23505') return pg.constraint === constraint;
  }
  return false;
}

/**
 * Keyset ordering per sort: the key column and its direction; `id` breaks ties in the same direction. The NULLS
 * clauses are spelled out to match the indexes exactly (`customers_created_idx` is `created_at DESC NULLS LAST, id
 * DESC NULLS LAST`; a bare `ORDER BY created_at DESC` means NULLS FIRST and would sort the whole table instead).
 */
const SORTS: Record<TCustomerSort, { key: 'created' | 'name'; dir: 'asc' | 'desc'; order: SQL[] }> = {
  created_desc: { key: 'created', dir: 'desc', order: [sql`${customers.createdAt} desc nulls last`, sql`${customers.id} desc nulls last`] },
  created_asc: { key: 'created', dir: 'asc', order: [sql`${customers.createdAt} asc nulls first`, sql`${customers.id} asc nulls first`] },
  name_asc: { key: 'name', dir: 'asc', order: [sql`${customers.name} asc`, sql`${customers.id} asc`] },
  name_desc: { key: 'name', dir: 'desc', order: [sql`${customers.name} desc`, sql`${customers.id} desc`] },
};

/**
 * The customers service: the list and its search, the 360 view, profile writes, reveal, consents, tags,
 * interactions, behaviour events and merging duplicates. Every function takes the acting staff member first and
 * checks the permission, then the store scope (a customer of another store answers 404).
 */
export function createCustomersService(deps: TCustomersDeps) {
  const { db, clock } = deps;
  const timeZone = deps.config?.BAOKE_TIMEZONE ?? 'Asia/Shanghai';

  async function findInScope(exec: TDbOrTx, actor: Actor, id: string): Promise<TCustomerRow> {
    const [row] = await exec
      .select()
      .from(customers)
      .where(and(eq(customers.id, id), storeScope(actor, customers.storeId)));
    if (!row) throw new NotFoundError('客户');
    return row;
  }

  function assertActive(c: TCustomerRow) {
    if (c.status !== 'active') throw new BusinessRuleError('customer-inactive', '该客户已被合并或注销，请在保留的客户上操作 / This customer was merged or erased');
  }

  async function loadStore(exec: TDbOrTx, storeId: string) {
    const [s] = await exec.select({ id: stores.id, timezone: stores.timezone }).from(stores).where(eq(stores.id, storeId));
    if (!s) throw new ValidationError('门店不存在 / No such store', [{ path: 'storeId', message: 'unknown store' }]);
    return s;
  }

  function assertBirthdayPast(birthday: string | null | undefined, timeZone: string) {
    if (birthday && birthday > localDate(clock.now(), timeZone)) {
      throw new ValidationError('生日不能晚于今天 / Birthday cannot be in the future', [{ path: 'body.birthday', message: 'in the future' }]);
    }
  }

  /** The owning consultant and advisor must be active staff of the customer's store. */
  async function assertStaffOfStore(exec: TDbOrTx, storeId: string, owners: { salesConsultantId?: string | null; serviceAdvisorId?: string | null }) {
    const wanted = [
      ['salesConsultantId', owners.salesConsultantId, '销售顾问不是该门店的员工 / The sales consultant is not on this store’s staff'],
      ['serviceAdvisorId', owners.serviceAdvisorId, '服务顾问不是该门店的员工 / The service advisor is not on this store’s staff'],
    ] as const;
    const ids = wanted.map((w) => w[1]).filter((v): v is string => !!v);
    if (ids.length === 0) return;
    const found = await exec
      .select({ id: staff.id })
      .from(staff)
      .where(and(inArray(staff.id, ids), eq(staff.storeId, storeId), eq(staff.active, true)));
    const ok = new Set(found.map((f) => f.id));
    const errors = wanted.filter((w) => w[1] && !ok.has(w[1])).map((w) => ({ path: `body.${w[0]}`, message: w[2] }));
    if (errors.length) throw new ValidationError(errors[0]!.message, errors);
  }

  async function mobileConflict(exec: TDbOrTx, mobile: string, exceptId?: string): Promise<ConflictError | null> {
    const conds = [eq(customers.mobile, mobile), eq(customers.status, 'active')];
    if (exceptId) conds.push(ne(customers.id, exceptId));
    const [dupe] = await exec
      .select({ id: customers.id, name: customers.name })
      .from(customers)
      .where(and(...conds));
    return dupe ? new ConflictError('手机号已存在 / Mobile already exists', { type: 'customer', id: dupe.id, label: dupe.name }) : null;
  }

  /**
   * Turns the unique-index violation of a write that lost a race into the same 409 the pre-check gives. The check
   * runs first for a friendly answer; the unique index is what guarantees one live customer per mobile.
   */
  async function rethrowMobileRace(err: unknown, mobile: string | undefined, exceptId?: string): Promise<never> {
    if (mobile && isUniqueViolation(err, 'customers_mobile_uq')) {
      const conflict = await mobileConflict(db, mobile, exceptId);
      if (conflict) throw conflict;
      throw new ConflictError('手机号已存在 / Mobile already exists');
    }
    throw err;
  }

  async function loadProfile(exec: TDbOrTx, id: string): Promise<TCustomer> {
    const [r] = await exec
      .select({ c: customers, storeName: stores.name, consultantName: consultant.displayName, advisorName: advisor.displayName })
      .from(customers)
      .innerJoin(stores, eq(stores.id, customers.storeId))
      .leftJoin(consultant, eq(consultant.id, customers.salesConsultantId))
      .leftJoin(advisor, eq(advisor.id, customers.serviceAdvisorId))
      .where(eq(customers.id, id));
    if (!r) throw new NotFoundError('客户');
    const c = r.c;
    return {
      id: c.id,
      storeId: c.storeId,
      storeName: r.storeName,
      name: c.name,
      gender: c.gender,
      birthday: c.birthday,
      mobileMasked: c.mobile ? maskMobile(c.mobile) : null,
      idNumberMasked: maskIdNumber(c.idNumber),
      email: c.email,
      city: c.city,
      occupation: c.occupation,
      householdNotes: c.householdNotes,
      sourceChannel: c.sourceChannel,
      wechatBound: !!c.wechatOpenid,
      salesConsultant: staffRef(c.salesConsultantId, r.consultantName),
      serviceAdvisor: staffRef(c.serviceAdvisorId, r.advisorName),
      status: c.status,
      mergedIntoId: c.mergedIntoId,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    };
  }

  function searchCondition(s: TSearch): SQL {
    switch (s.kind) {
      case 'last4':
        return eq(customers.mobileLast4, s.value);
      case 'mobile':
        return eq(customers.mobile, s.value);
      case 'plate':
        return sql`${customers.id} in (select ${vehicles.customerId} from ${vehicles} where ${vehicles.plate} = ${s.value})`;
      case 'vin':
        // A whole VIN is an equality on the unique index; a fragment is a LIKE the trigram index serves.
        return s.value.length === 17
          ? sql`${customers.id} in (select ${vehicles.customerId} from ${vehicles} where ${vehicles.vin} = ${s.value})`
          : sql`${customers.id} in (select ${vehicles.customerId} from ${vehicles} where ${vehicles.vin} like ${`%${s.value}%`})`;
      case 'name':
        return s.contains ? sql`${customers.name} ilike ${`%${escapeLike(s.value)}%`}` : sql`${customers.name} like ${`${escapeLike(s.value)}%`}`;
    }
  }

  const createdKey = sql<string>`to_char(${customers.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

  /** The keyset predicate "after the cursor row" for a sort; the cursor carries [sort, key, id]. */
  function afterCursor(sort: TCustomerSort, cursor: string | undefined): SQL | undefined {
    const c = decodeCursor(cursor, 3);
    if (!c) return undefined;
    const [s, key, id] = c;
    if (s !== sort || typeof key !== 'string' || typeof id !== 'string' || !UUID.test(id) || (SORTS[sort].key === 'created' && Number.isNaN(Date.parse(key)))) {
      throw new ValidationError('分页游标无效 / Invalid cursor', [{ path: 'querystring.cursor', message: 'invalid' }]);
    }
    const { key: k, dir } = SORTS[sort];
    const op = dir === 'desc' ? sql`<` : sql`>`;
    return k === 'created'
      ? sql`(${customers.createdAt}, ${customers.id}) ${op} (${key}::timestamptz, ${id}::uuid)`
      : sql`(${customers.name}, ${customers.id}) ${op} (${key}, ${id}::uuid)`;
  }

  /** The [created_at, id] of a 建档时间 cursor, validated like afterCursor does. */
  function createdCursor(sort: TCustomerSort, cursor: string | undefined): { key: string; id: string } | null {
    if (!cursor || !afterCursor(sort, cursor)) return null;
    const [, key, id] = decodeCursor(cursor, 3)!;
    return { key: key as string, id: id as string };
  }

  /** A filter's (customer_created_at, customer_id) rows in sort order, after the cursor. */
  function orderedRows(select: SQL, alias: 'ct' | 'v', dir: 'asc' | 'desc', cursor: { key: string; id: string } | null): SQL {
    const a = sql.raw(alias);
    const d = sql.raw(dir);
    const after = cursor ? sql` and (${a}.customer_created_at, ${a}.customer_id) ${dir === 'desc' ? sql`<` : sql`>`} (${cursor.key}::timestamptz, ${cursor.id}::uuid)` : sql``;
    return sql`${select}${after} order by cca ${d}, customer_id ${d}`;
  }

  /**
   * The list's filters on derived facts, as conditions over `customer_facts f`, with the same meaning as the
   * segment comparators: `in` for the enums, "has any of" for needs, `>=` for the trade-in score, "in the next N days"
   * (today included) for the maintenance due date, and a last visit strictly before the local day. A missing value
   * (no last visit, no due date) never matches. Days are the group's calendar days.
   */
  function factConditions(q: TCustomerListQuery): SQL[] {
    const c: SQL[] = [];
    const values = (xs: readonly string[]) => sql.join(xs.map((x) => sql`${x}`), sql`, `);
    if (q.lifecycleStage?.length) c.push(sql`f.lifecycle_stage in (${values(q.lifecycleStage)})`);
    if (q.valueTier?.length) c.push(sql`f.value_tier in (${values(q.valueTier)})`);
    if (q.churnRisk?.length) c.push(sql`f.churn_risk in (${values(q.churnRisk)})`);
    if (q.needs?.length) c.push(sql`f.needs && array[${values(q.needs)}]::text[]`);
    if (q.tradeInScoreMin !== undefined) c.push(sql`f.trade_in_score >= ${q.tradeInScoreMin}::int`);
    if (q.maintenanceDueInDays !== undefined) {
      const today = localDate(clock.now(), timeZone);
      c.push(sql`f.next_maintenance_due_date between ${today}::date and ${today}::date + ${q.maintenanceDueInDays}::int`);
    }
    // The local midnight of that day as an instant (a constant, so an index on last_visit_at can serve it).
    if (q.lastVisitBefore) c.push(sql`f.last_visit_at < (${q.lastVisitBefore}::date)::timestamp at time zone ${timeZone}`);
    return c;
  }

  /**
   * Tag, vehicle and derived-facts filters, written so the plan fits their selectivity. Each filter is a set of
   * customer ids from another table (customer_tags; vehicles, where one vehicle must meet all vehicle conditions;
   * customer_facts, where one row must meet all fact conditions). A sorted page can walk the sort index and test each
   * customer (fast when matches are dense near the start of the order), start from the matching ids and sort them
   * (fast when they are few), or — for 建档时间 sorts of a tag or vehicle filter — walk the filter's own rows in that
   * order (`customer_created_at`, copied onto customer_tags and vehicles by a trigger): fast however the matches lie
   * along the order, which matters because they correlate with it (a trade-in-intent tag sits only on owners of old
   * cars, a purchase month on customers created near it). PostgreSQL would walk the customers' sort index even when
   * the matches are few, absent, or all at the far end, scanning the whole store. So the matches in scope are counted
   * first through indexes only, and the plan is chosen here. The in-scope counts rely on customer_tags.store_id and
   * vehicles.store_id following the customer's store, which this module and the vehicles module keep true (create,
   * store change, merge); customer_facts.store_id follows it at the next facts refresh (within a minute). The outer
   * query's own store scope is what keeps other stores' customers out.
   */
  async function relationFilters(actor: Actor, q: TCustomerListQuery, search: TSearch | null): Promise<{ where: SQL[]; drive?: TDrive }> {
    const store = isGroupWide(actor) ? (q.storeId ?? null) : actor.storeId;
    const { key, dir } = SORTS[q.sort];
    const cursor = key === 'created' ? createdCursor(q.sort, q.cursor) : null;
    const base = store ? CANDIDATE_LIMIT.store : CANDIDATE_LIMIT.group;
    const filters: { source: SQL; test: SQL; limit: number; ordered?: SQL; streams?: boolean }[] = [];
    if (q.tagId) {
      const inScope = sql`ct.tag_id = ${q.tagId}${store ? sql` and ct.store_id = ${store}` : sql``}`;
      filters.push({
        source: sql`select ct.customer_id from ${customerTags} ct where ${inScope}`,
        test: sql`exists (select 1 from ${customerTags} ct where ct.customer_id = ${customers.id} and ct.tag_id = ${q.tagId})`,
        limit: base,
        ordered: orderedRows(sql`select ct.customer_created_at as cca, ct.customer_id from ${customerTags} ct where ${inScope}`, 'ct', dir, cursor),
        // (tag_id[, store_id], customer_created_at, customer_id) gives the rows in order: the walk stops at the page.
        streams: true,
      });
    }
    const owned: SQL[] = [];
    if (q.modelId) owned.push(sql`v.model_id = ${q.modelId}`);
    if (q.purchasedFrom) owned.push(sql`v.purchase_date >= ${q.purchasedFrom}`);
    if (q.purchasedTo) owned.push(sql`v.purchase_date <= ${q.purchasedTo}`);
    if (owned.length) {
      const all = sql.join(owned, sql` and `);
      const inScope = sql`${all}${store ? sql` and v.store_id = ${store}` : sql``}`;
      filters.push({
        source: sql`select v.customer_id from ${vehicles} v where ${inScope}`,
        test: sql`exists (select 1 from ${vehicles} v where v.customer_id = ${customers.id} and ${all})`,
        // An owner with two matching cars appears once.
        ordered: orderedRows(sql`select distinct v.customer_created_at as cca, v.customer_id from ${vehicles} v where ${inScope}`, 'v', dir, cursor),
        // A model alone streams through (model_id, customer_created_at, customer_id); a purchase range is sorted.
        streams: !q.purchasedFrom && !q.purchasedTo && !store,
        limit: base,
      });
    }
    const facts = factConditions(q);
    if (facts.length) {
      // Facts are one row per active customer, keyed by customer id: the test is a semi-join on that primary key,
      // the source a scan of the facts table (its (store_id, …) indexes serve the selective conditions).
      const all = sql.join(facts, sql` and `);
      filters.push({
        source: sql`select f.customer_id from ${customerFacts} f where ${all}${store ? sql` and f.store_id = ${store}` : sql``}`,
        test: sql`exists (select 1 from ${customerFacts} f where f.customer_id = ${customers.id} and ${all})`,
        limit: base * FACTS_CANDIDATE_FACTOR,
      });
    }
    // A key search (mobile, plate, VIN) already narrows to a handful of rows through its own index.
    if (filters.length === 0 || (search && search.kind !== 'name')) return { where: filters.map((f) => f.test) };
    const counts = await Promise.all(
      filters.map(async (f) => {
        const cap = key === 'created' && f.ordered && !f.streams ? Math.max(SORTED_DRIVE_MAX, f.limit) : f.limit;
        const res = await db.execute<{ n: number }>(sql`select count(*)::int as n from (${f.source} limit ${cap + 1}) x`);
        return res.rows[0]!.n;
      }),
    );
    // The smallest set within its own limit drives.
    let best = -1;
    counts.forEach((n, i) => {
      if (n <= filters[i]!.limit && (best < 0 || n < counts[best]!)) best = i;
    });
    if (best >= 0) {
      // `= any(array(…))` evaluates the id set once and fetches those customers by primary key; the other filters
      // are then tested on those few rows.
      return { where: filters.map((f, i) => (i === best ? sql`${customers.id} = any(array(${f.source}))` : f.test)) };
    }
    if (key === 'created') {
      const pick = filters.findIndex((f, i) => f.ordered && (f.streams || counts[i]! <= SORTED_DRIVE_MAX));
      if (pick >= 0) return { where: filters.filter((_, i) => i !== pick).map((f) => f.test), drive: { rows: filters[pick]!.ordered!, dir } };
    }
    return { where: filters.map((f) => f.test) };
  }

  async function timeline(exec: TDbOrTx, id: string): Promise<TTimelineRaw[]> {
    // One round trip: each branch takes its own newest 100 through its (customer_id, time) index, then the union is
    // cut to the newest 100. `rank` orders a parent before its first step when they share an instant.
    const res = await exec.execute<{ at: Date; kind: TTimelineRaw['kind']; sub: string; label: string; note: string; amount_fen: string | number | null; ref_id: string | null }>(sql`
      select at, kind, sub, label, note, amount_fen, ref_id from (
        (select created_at as at, 'created'::text as kind, 0 as rank, ''::text as sub, ''::text as label, source_channel as note, null::bigint as amount_fen, id::text as ref_id
           from customers where id = ${id})
        union all
        (select occurred_at, 'interaction', 1, kind::text, outcome, summary, null, id::text
           from interactions where customer_id = ${id} order by occurred_at desc nulls last limit ${TIMELINE_MAX})
        union all
        (select ordered_at, 'sales_order', 1, status::text, order_no, note, price_fen, id::text
           from sales_orders where customer_id = ${id} order by ordered_at desc nulls last limit ${TIMELINE_MAX})
        union all
        (select m.at, 'milestone', 2, m.milestone::text, o.order_no, m.note, null, m.order_id::text
           from sales_order_milestones m join sales_orders o on o.id = m.order_id
          where m.customer_id = ${id} order by m.at desc limit ${TIMELINE_MAX})
        union all
        (select opened_at, 'repair_order', 1, kind::text, ro_no, note, total_fen, id::text
           from repair_orders where customer_id = ${id} order by opened_at desc nulls last limit ${TIMELINE_MAX})
        union all
        (select s.at, 'ro_stage', 2, s.stage::text, r.ro_no, s.note, null, s.ro_id::text
           from repair_order_stages s join repair_orders r on r.id = s.ro_id
          where s.customer_id = ${id} order by s.at desc limit ${TIMELINE_MAX})
        union all
        (select occurred_at, 'behaviour', 1, kind, '', payload::text, null, id::text
           from behaviour_events where customer_id = ${id} order by occurred_at desc nulls last limit ${TIMELINE_MAX})
        union all
        (select a.created_at, 'appointment', 1, a.kind::text, a.status::text || '|' || to_char(a.slot_start at time zone s.timezone, 'YYYY-MM-DD HH24:MI'),
                a.note, null, a.id::text
           from appointments a join stores s on s.id = a.store_id where a.customer_id = ${id} order by a.created_at desc limit ${TIMELINE_MAX})
        union all
        (select jf.fired_at, 'journey', 1, r.code, r.name_zh || case when r.name_en <> '' then ' / ' || r.name_en else '' end, jf.reason, null, jf.id::text
           from journey_firings jf join journey_rules r on r.id = jf.rule_id where jf.customer_id = ${id} order by jf.fired_at desc limit ${TIMELINE_MAX})
        union all
        (select t.created_at, 'task', 1, t.status::text, t.title, coalesce(t.outcome::text, ''), null, t.id::text
           from tasks t where t.customer_id = ${id} order by t.created_at desc limit ${TIMELINE_MAX})
      ) t
      order by at desc, rank desc
      limit ${TIMELINE_MAX}`);
    return res.rows.map((r) => ({
      at: r.at instanceof Date ? r.at : new Date(r.at),
      kind: r.kind,
      sub: r.sub,
      label: r.label ?? '',
      note: r.note ?? '',
      amountFen: r.amount_fen === null ? null : Number(r.amount_fen),
      refId: r.ref_id,
    }));
  }

  async function tagsOf(exec: TDbOrTx, ids: string[]) {
    if (ids.length === 0) return [];
    return exec
      .select({ customerId: customerTags.customerId, id: tags.id, name: tags.name, color: tags.color })
      .from(customerTags)
      .innerJoin(tags, eq(tags.id, customerTags.tagId))
      .where(inArray(customerTags.customerId, ids))
      .orderBy(asc(tags.name));
  }

  async function get360(actor: Actor, id: string): Promise<TCustomer360> {
    assertCan(actor, 'customers.read');
    await findInScope(db, actor, id);
    // Independent reads run side by side on the pool; each is one indexed query, never one per row.
    const [customer, consents, tagRows, vehicleRows, salesOrderList, repairOrderList, interactionRows, behaviourRows, timelineRows] = await Promise.all([
      loadProfile(db, id),
      db
        .select({ c: customerConsents, recorderName: recorder.displayName })
        .from(customerConsents)
        .leftJoin(recorder, eq(recorder.id, customerConsents.recordedBy))
        .where(eq(customerConsents.customerId, id))
        .orderBy(asc(customerConsents.channel), asc(customerConsents.purpose)),
      tagsOf(db, [id]),
      db
        .select({ v: vehicles, modelName: vehicleModels.name, series: vehicleModels.series, brand: vehicleModels.brand })
        .from(vehicles)
        .leftJoin(vehicleModels, eq(vehicleModels.id, vehicles.modelId))
        .where(eq(vehicles.customerId, id))
        .orderBy(sql`${vehicles.purchaseDate} desc nulls last`, desc(vehicles.createdAt)),
      (async () => {
        const orders = await db
          .select({ o: salesOrders, modelName: vehicleModels.name, series: vehicleModels.series, consultantName: consultant.displayName })
          .from(salesOrders)
          .leftJoin(vehicleModels, eq(vehicleModels.id, salesOrders.modelId))
          .leftJoin(consultant, eq(consultant.id, salesOrders.consultantId))
          .where(eq(salesOrders.customerId, id))
          .orderBy(sql`${salesOrders.orderedAt} desc nulls last`);
        const steps = orders.length
          ? await db
              .select()
              .from(salesOrderMilestones)
              .where(
                inArray(
                  salesOrderMilestones.orderId,
                  orders.map((o) => o.o.id),
                ),
              )
              .orderBy(asc(salesOrderMilestones.at))
          : [];
        return orders.map(({ o, modelName, series, consultantName }) => ({
          id: o.id,
          orderNo: o.orderNo,
          storeId: o.storeId,
          vehicleId: o.vehicleId,
          modelName: modelName === null ? null : [series, modelName].filter(Boolean).join(' '),
          consultant: staffRef(o.consultantId, consultantName),
          priceFen: o.priceFen,
          status: o.status,
          milestone: o.milestone,
          orderedAt: o.orderedAt,
          deliveredAt: o.deliveredAt,
          note: o.note,
          milestones: steps.filter((m) => m.orderId === o.id).map((m) => ({ milestone: m.milestone, at: m.at, note: m.note, photos: m.photos })),
        }));
      })(),
      (async () => {
        const ros = await db
          .select({ r: repairOrders, plate: vehicles.plate, advisorName: advisor.displayName })
          .from(repairOrders)
          .innerJoin(vehicles, eq(vehicles.id, repairOrders.vehicleId))
          .leftJoin(advisor, eq(advisor.id, repairOrders.advisorId))
          .where(eq(repairOrders.customerId, id))
          .orderBy(sql`${repairOrders.openedAt} desc nulls last`, desc(repairOrders.id))
          .limit(LATEST);
        const steps = ros.length
          ? await db
              .select()
              .from(repairOrderStages)
              .where(
                inArray(
                  repairOrderStages.roId,
                  ros.map((r) => r.r.id),
                ),
              )
              .orderBy(asc(repairOrderStages.at))
          : [];
        return ros.map(({ r, plate, advisorName }) => ({
          id: r.id,
          roNo: r.roNo,
          storeId: r.storeId,
          vehicleId: r.vehicleId,
          plate,
          advisor: staffRef(r.advisorId, advisorName),
          kind: r.kind,
          mileageKm: r.mileageKm,
          labourFen: r.labourFen,
          partsFen: r.partsFen,
          totalFen: r.totalFen ?? r.labourFen + r.partsFen,
          faultCodes: r.faultCodes,
          stage: r.stage,
          openedAt: r.openedAt,
          closedAt: r.closedAt,
          note: r.note,
          stages: steps.filter((s) => s.roId === r.id).map((s) => ({ stage: s.stage, at: s.at, note: s.note })),
        }));
      })(),
      db
        .select({ i: interactions, staffName: staff.displayName })
        .from(interactions)
        .leftJoin(staff, eq(staff.id, interactions.staffId))
        .where(eq(interactions.customerId, id))
        .orderBy(sql`${interactions.occurredAt} desc nulls last`, desc(interactions.id))
        .limit(LATEST),
      db.select().from(behaviourEvents).where(eq(behaviourEvents.customerId, id)).orderBy(sql`${behaviourEvents.occurredAt} desc nulls last`, desc(behaviourEvents.id)).limit(LATEST),
      timeline(db, id),
    ]);
    return {
      customer,
      consents: consents.map(({ c, recorderName }) => ({
        channel: c.channel,
        purpose: c.purpose,
        granted: c.granted,
        source: c.source,
        recordedAt: c.recordedAt,
        recordedBy: staffRef(c.recordedBy, recorderName),
      })),
      tags: tagRows.map(({ id: tagId, name, color }) => ({ id: tagId, name, color })),
      vehicles: vehicleRows.map(({ v, modelName, series, brand }) => ({
        id: v.id,
        storeId: v.storeId,
        vin: v.vin,
        plate: v.plate,
        modelId: v.modelId,
        modelName: modelName === null ? null : [series, modelName].filter(Boolean).join(' '),
        brand,
        color: v.color,
        purchaseDate: v.purchaseDate,
        deliveryDate: v.deliveryDate,
        lastMileageKm: v.lastMileageKm,
        lastMileageAt: v.lastMileageAt,
        insuranceExpiry: v.insuranceExpiry,
        warrantyEnd: v.warrantyEnd,
        status: v.status,
      })),
      salesOrders: salesOrderList,
      repairOrders: repairOrderList,
      interactions: interactionRows.map(({ i, staffName }) => interactionOut(i, staffName)),
      behaviourEvents: behaviourRows.map(behaviourOut),
      timeline: timelineRows.map(describeTimelineEntry),
    };
  }

  const interactionOut = (i: typeof interactions.$inferSelect, staffName: string | null): TInteraction => ({
    id: i.id,
    customerId: i.customerId,
    kind: i.kind,
    direction: i.direction,
    occurredAt: i.occurredAt,
    outcome: i.outcome,
    summary: i.summary,
    staff: staffRef(i.staffId, staffName),
    createdAt: i.createdAt,
  });
  const behaviourOut = (b: typeof behaviourEvents.$inferSelect): TBehaviourEvent => ({ id: b.id, customerId: b.customerId, kind: b.kind, payload: b.payload, occurredAt: b.occurredAt });

  return {
    /**
     * The customer list: active customers in the actor's scope, filtered, searched (see `classifySearch`) and
     * keyset-paginated by the chosen sort. Names, tags and vehicles of the page come from one query each.
     * `total` is given only for index-bounded searches (last 4, mobile, plate), where counting costs nothing.
     */
    async list(actor: Actor, q: TCustomerListQuery): Promise<TCustomerList> {
      assertCan(actor, 'customers.read');
      const { key, dir, order } = SORTS[q.sort];
      const after = afterCursor(q.sort, q.cursor);
      const where: SQL[] = [eq(customers.status, 'active'), storeScope(actor, customers.storeId)];
      if (q.storeId) where.push(eq(customers.storeId, q.storeId));
      if (q.consultantId) where.push(eq(customers.salesConsultantId, q.consultantId));
      if (q.advisorId) where.push(eq(customers.serviceAdvisorId, q.advisorId));
      const search = q.q ? classifySearch(q.q) : null;
      if (search) where.push(searchCondition(search));
      const relation = await relationFilters(actor, q, search);
      where.push(...relation.where);
      if (relation.drive) {
        // The filter's own ordered rows choose the page's ids; the page below is then those few customers.
        const d = sql.raw(relation.drive.dir);
        const res = await db.execute<{ id: string }>(sql`
          select ${customers.id} as id from (${relation.drive.rows}) d join ${customers} on ${customers.id} = d.customer_id
          where ${and(...where)} order by d.cca ${d}, d.customer_id ${d} limit ${q.limit + 1}`);
        where.splice(0, where.length, sql`${customers.id} = any(${sql.param(res.rows.map((r) => r.id))}::uuid[])`);
      }

      // The page is chosen first, on customers alone, so the plan is the sort index (or the driving filter) and
      // the names are joined to at most limit + 1 rows afterwards.
      const pageQuery = db
        .select({
          id: customers.id,
          name: customers.name,
          gender: customers.gender,
          mobile: customers.mobile,
          city: customers.city,
          storeId: customers.storeId,
          createdAt: customers.createdAt,
          consultantId: customers.salesConsultantId,
          advisorId: customers.serviceAdvisorId,
          sortKey: (key === 'created' ? createdKey : sql<string>`${customers.name}`).as('sort_key'),
        })
        .from(customers)
        .where(and(...where, ...(after ? [after] : [])))
        .orderBy(...order)
        .limit(q.limit + 1)
        .as('page');
      const [rows, total] = await Promise.all([
        db
          .select({
            id: pageQuery.id,
            name: pageQuery.name,
            gender: pageQuery.gender,
            mobile: pageQuery.mobile,
            city: pageQuery.city,
            storeId: pageQuery.storeId,
            storeName: stores.name,
            createdAt: pageQuery.createdAt,
            consultantId: pageQuery.consultantId,
            consultantName: consultant.displayName,
            advisorId: pageQuery.advisorId,
            advisorName: advisor.displayName,
            sortKey: pageQuery.sortKey,
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
          .from(pageQuery)
          .innerJoin(stores, eq(stores.id, pageQuery.storeId))
          .leftJoin(consultant, eq(consultant.id, pageQuery.consultantId))
          .leftJoin(advisor, eq(advisor.id, pageQuery.advisorId))
          // The page's facts for the optional columns: at most limit + 1 primary-key lookups.
          .leftJoin(customerFacts, eq(customerFacts.customerId, pageQuery.id))
          .orderBy(...(dir === 'desc' ? [desc(key === 'created' ? pageQuery.createdAt : pageQuery.name), desc(pageQuery.id)] : [asc(key === 'created' ? pageQuery.createdAt : pageQuery.name), asc(pageQuery.id)])),
        search && COUNTED_SEARCHES.has(search.kind)
          ? db
              .select({ n: sql<number>`count(*)::int` })
              .from(customers)
              .where(and(...where))
              .then((r) => r[0]!.n)
          : Promise.resolve(undefined),
      ]);
      const more = rows.length > q.limit;
      const page = rows.slice(0, q.limit);
      const ids = page.map((r) => r.id);
      const [tagRows, vehicleRows] = await Promise.all([
        tagsOf(db, ids),
        ids.length
          ? db
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
              .orderBy(sql`${vehicles.purchaseDate} desc nulls last`, asc(vehicles.id))
          : Promise.resolve([]),
      ]);
      const group = <T extends { customerId: string }>(list: T[]) => {
        const m = new Map<string, T[]>();
        for (const x of list) m.set(x.customerId, [...(m.get(x.customerId) ?? []), x]);
        return m;
      };
      const tagsBy = group(tagRows);
      const vehiclesBy = group(vehicleRows);
      const items: TCustomerListItem[] = page.map((r) => ({
        id: r.id,
        name: r.name,
        gender: r.gender,
        mobileMasked: r.mobile ? maskMobile(r.mobile) : null,
        city: r.city,
        storeId: r.storeId,
        storeName: r.storeName,
        salesConsultant: staffRef(r.consultantId, r.consultantName),
        serviceAdvisor: staffRef(r.advisorId, r.advisorName),
        tags: (tagsBy.get(r.id) ?? []).map((t) => ({ id: t.id, name: t.name, color: t.color })),
        vehicles: (vehiclesBy.get(r.id) ?? []).map((v) => ({ id: v.id, plate: v.plate, vin: v.vin, modelName: v.modelName })),
        createdAt: r.createdAt,
        facts: listFacts(r.facts),
      }));
      const last = page.at(-1);
      return {
        items,
        nextCursor: more && last ? encodeCursor([q.sort, last.sortKey, last.id]) : null,
        ...(total === undefined ? {} : { total }),
      };
    },

    /** The 360 view: profile (masked), consents, tags, vehicles, orders, repair orders, contacts and the timeline. */
    get360,

    /**
     * Creates a customer in the actor's store (group admins name the store). The mobile is unique among live
     * customers: a duplicate answers 409 naming the customer who holds it, even when two requests race.
     */
    async create(actor: Actor, input: TCustomerCreate): Promise<TCustomer> {
      assertCan(actor, 'customers.write');
      const storeId = targetStore(actor, input.storeId);
      const store = await loadStore(db, storeId);
      assertBirthdayPast(input.birthday, store.timezone);
      await assertStaffOfStore(db, storeId, input);
      const conflict = await mobileConflict(db, input.mobile);
      if (conflict) throw conflict;
      const { storeId: _ignored, ...fields } = input;
      let id: string;
      try {
        id = await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(customers)
            .values({ ...fields, storeId })
            .returning({ id: customers.id });
          await recordAudit(tx, actor, {
            action: 'customer.create',
            entityType: 'customer',
            entityId: row!.id,
            storeId,
            customerId: row!.id,
            detail: { fields: Object.keys(fields).filter((k) => fields[k as keyof typeof fields] !== undefined) },
          });
          await emitEvent(tx, 'customer.created', { customerId: row!.id, storeId });
          return row!.id;
        });
      } catch (err) {
        return rethrowMobileRace(err, input.mobile);
      }
      return loadProfile(db, id);
    },

    /** Changes profile fields; the audit entry lists the names of the changed fields, never their values. */
    async update(actor: Actor, id: string, patch: TCustomerUpdate): Promise<TCustomer> {
      assertCan(actor, 'customers.write');
      const before = await findInScope(db, actor, id);
      assertActive(before);
      const storeId = patch.storeId && patch.storeId !== before.storeId ? targetStore(actor, patch.storeId) : before.storeId;
      const store = await loadStore(db, storeId);
      if (patch.birthday !== undefined) assertBirthdayPast(patch.birthday, store.timezone);
      const fields = changedFields(before, patch);
      if (fields.length === 0) return loadProfile(db, id);
      if (fields.some((f) => f === 'storeId' || f === 'salesConsultantId' || f === 'serviceAdvisorId')) {
        await assertStaffOfStore(db, storeId, {
          salesConsultantId: patch.salesConsultantId !== undefined ? patch.salesConsultantId : before.salesConsultantId,
          serviceAdvisorId: patch.serviceAdvisorId !== undefined ? patch.serviceAdvisorId : before.serviceAdvisorId,
        });
      }
      if (patch.mobile && fields.includes('mobile')) {
        const conflict = await mobileConflict(db, patch.mobile, id);
        if (conflict) throw conflict;
      }
      const values = Object.fromEntries(fields.map((f) => [f, patch[f as keyof TCustomerUpdate]])) as Partial<typeof customers.$inferInsert>;
      try {
        await db.transaction(async (tx) => {
          await tx.update(customers).set(values).where(eq(customers.id, id));
          if (storeId !== before.storeId) {
            // A transfer to another store: the customer-level rows follow (the list's store-scoped filters rely on
            // it), and so do the vehicles, which the vehicles module files under their owner's store. Orders,
            // repair orders and contacts stay with the store where they happened.
            await tx.update(customerTags).set({ storeId }).where(eq(customerTags.customerId, id));
            await tx.update(customerConsents).set({ storeId }).where(eq(customerConsents.customerId, id));
            await deps.vehicles.reassignCustomer(tx, id, id);
          }
          await recordAudit(tx, actor, { action: 'customer.update', entityType: 'customer', entityId: id, storeId, customerId: id, detail: { fields } });
          await emitEvent(tx, 'customer.updated', { customerId: id, storeId, payload: { fields } });
        });
      } catch (err) {
        return rethrowMobileRace(err, patch.mobile, id);
      }
      return loadProfile(db, id);
    },

    /** Shows one full mobile or ID number; every reveal is written to the audit log before the value leaves. */
    async reveal(actor: Actor, id: string, field: TRevealField): Promise<TRevealResult> {
      assertCan(actor, 'customers.reveal');
      const c = await findInScope(db, actor, id);
      await recordAudit(db, actor, { action: 'customer.reveal', entityType: 'customer', entityId: id, storeId: c.storeId, customerId: id, detail: { field } });
      return { value: field === 'mobile' ? c.mobile : c.idNumber };
    },

    /** Records consent for one channel and purpose (replacing the previous answer), with its source and recorder. */
    async putConsent(actor: Actor, id: string, channel: TConsentChannel, purpose: TConsentPurpose, input: TConsentPut): Promise<TConsent> {
      assertCan(actor, 'customers.consent');
      return db.transaction(async (tx) => {
        const c = await findInScope(tx, actor, id);
        assertActive(c);
        const now = clock.now();
        const recordedBy = staffIdOf(actor);
        const [row] = await tx
          .insert(customerConsents)
          .values({ customerId: id, storeId: c.storeId, channel, purpose, granted: input.granted, source: input.source, recordedAt: now, recordedBy })
          .onConflictDoUpdate({
            target: [customerConsents.customerId, customerConsents.channel, customerConsents.purpose],
            set: { granted: input.granted, source: input.source, recordedAt: now, recordedBy, updatedAt: now },
          })
          .returning();
        await recordAudit(tx, actor, { action: 'customer.consent', entityType: 'customer', entityId: id, storeId: c.storeId, customerId: id, detail: { channel, purpose, granted: input.granted, source: input.source } });
        await emitEvent(tx, 'customer.consent_changed', { customerId: id, storeId: c.storeId, payload: { channel, purpose, granted: input.granted } });
        return {
          channel: row!.channel,
          purpose: row!.purpose,
          granted: row!.granted,
          source: row!.source,
          recordedAt: row!.recordedAt,
          recordedBy: recordedBy ? { id: recordedBy, displayName: actor.displayName } : null,
        };
      });
    },

    /** The group-wide tag library, by name. */
    async listTags(actor: Actor): Promise<TTag[]> {
      assertCan(actor, 'customers.read');
      return db.select({ id: tags.id, name: tags.name, color: tags.color, kind: tags.kind }).from(tags).orderBy(asc(tags.name));
    },

    /** Adds a tag to the library; a name already there answers 409 naming that tag. */
    async createTag(actor: Actor, input: TTagCreate): Promise<TTag> {
      assertCan(actor, 'customers.tag');
      const dupe = async () => {
        const [t] = await db.select({ id: tags.id }).from(tags).where(eq(tags.name, input.name));
        return t ? new ConflictError(`标签「${input.name}」已存在 / Tag already exists`, { type: 'tag', id: t.id, label: input.name }) : null;
      };
      const conflict = await dupe();
      if (conflict) throw conflict;
      try {
        return await db.transaction(async (tx) => {
          const [t] = await tx
            .insert(tags)
            .values({ name: input.name, ...(input.color ? { color: input.color } : {}) })
            .returning({ id: tags.id, name: tags.name, color: tags.color, kind: tags.kind });
          await recordAudit(tx, actor, { action: 'tag.create', entityType: 'tag', entityId: t!.id, storeId: actor.storeId, detail: { name: input.name } });
          return t!;
        });
      } catch (err) {
        if (isUniqueViolation(err, 'tags_name_unique')) throw (await dupe()) ?? err;
        throw err;
      }
    },

    /** Tags a customer with a library tag, or by name (creating the tag when the library lacks it). Idempotent. */
    async addTag(actor: Actor, id: string, input: TCustomerTagAdd): Promise<TTagRef> {
      assertCan(actor, 'customers.tag');
      return db.transaction(async (tx) => {
        const c = await findInScope(tx, actor, id);
        assertActive(c);
        let tag: TTagRef | undefined;
        if (input.tagId) {
          [tag] = await tx.select({ id: tags.id, name: tags.name, color: tags.color }).from(tags).where(eq(tags.id, input.tagId));
          if (!tag) throw new NotFoundError('标签');
        } else {
          const name = input.name!;
          // ON CONFLICT DO NOTHING: two staff adding the same new tag at once both end up with the one tag.
          const [created] = await tx.insert(tags).values({ name }).onConflictDoNothing({ target: tags.name }).returning({ id: tags.id, name: tags.name, color: tags.color });
          if (created) await recordAudit(tx, actor, { action: 'tag.create', entityType: 'tag', entityId: created.id, storeId: actor.storeId, detail: { name } });
          [tag] = created ? [created] : await tx.select({ id: tags.id, name: tags.name, color: tags.color }).from(tags).where(eq(tags.name, name));
        }
        const added = await tx
          .insert(customerTags)
          .values({ customerId: id, tagId: tag!.id, storeId: c.storeId, createdBy: staffIdOf(actor) })
          .onConflictDoNothing()
          .returning({ tagId: customerTags.tagId });
        if (added.length) await recordAudit(tx, actor, { action: 'customer.tag.add', entityType: 'customer', entityId: id, storeId: c.storeId, customerId: id, detail: { tagId: tag!.id, name: tag!.name } });
        return tag!;
      });
    },

    /** Removes a tag from a customer (no-op when it was not there). */
    async removeTag(actor: Actor, id: string, tagId: string): Promise<void> {
      assertCan(actor, 'customers.tag');
      await db.transaction(async (tx) => {
        const c = await findInScope(tx, actor, id);
        const removed = await tx
          .delete(customerTags)
          .where(and(eq(customerTags.customerId, id), eq(customerTags.tagId, tagId)))
          .returning({ tagId: customerTags.tagId });
        if (removed.length) await recordAudit(tx, actor, { action: 'customer.tag.remove', entityType: 'customer', entityId: id, storeId: c.storeId, customerId: id, detail: { tagId } });
      });
    },

    /** Logs a call, visit, chat or note by the acting staff member. */
    async addInteraction(actor: Actor, id: string, input: TInteractionCreate): Promise<TInteraction> {
      assertCan(actor, 'interactions.write');
      const c = await findInScope(db, actor, id);
      assertActive(c);
      const now = clock.now();
      const occurredAt = input.occurredAt ?? now;
      // A planned call is a task, not an interaction; a few minutes of clock skew between devices is tolerated.
      if (occurredAt.getTime() > now.getTime() + 5 * 60_000) {
        throw new ValidationError('互动时间不能晚于现在 / An interaction cannot be in the future', [{ path: 'body.occurredAt', message: 'in the future' }]);
      }
      const [row] = await db
        .insert(interactions)
        .values({
          customerId: id,
          storeId: c.storeId,
          staffId: staffIdOf(actor),
          kind: input.kind,
          direction: input.direction ?? 'outbound',
          occurredAt,
          outcome: input.outcome ?? '',
          summary: input.summary,
        })
        .returning();
      return interactionOut(row!, staffIdOf(actor) ? actor.displayName : null);
    },

    /** Records something the owner did online (viewed a model, asked for a valuation…); feeds segments and scores. */
    async addBehaviourEvent(actor: Actor, id: string, input: TBehaviourEventCreate): Promise<TBehaviourEvent> {
      assertCan(actor, 'behaviour.write');
      const c = await findInScope(db, actor, id);
      assertActive(c);
      const [row] = await db
        .insert(behaviourEvents)
        .values({ customerId: id, storeId: c.storeId, kind: input.kind, payload: input.payload ?? {}, occurredAt: input.occurredAt ?? clock.now() })
        .returning();
      return behaviourOut(row!);
    },

    /**
     * Merges a duplicate (`sourceId`) into the survivor `id` in one transaction: vehicles, sales orders and repair
     * orders move through their modules, then tasks, messages, coupons and points through the merge followers
     * (loyalty keeps every lot's expiry, see `loyalty.reassignCustomer`); interactions, behaviour, tags and consents move here (on a channel and
     * purpose both answered, the more recent answer wins); empty survivor fields are filled from the source. The
     * source stays as `merged` with `mergedIntoId`, and gives up its mobile so the survivor may hold it.
     */
    async merge(actor: Actor, id: string, sourceId: string): Promise<TCustomer360> {
      assertCan(actor, 'customers.merge');
      if (id === sourceId) throw new ValidationError('不能将客户与自己合并 / Cannot merge a customer into itself', [{ path: 'body.sourceId', message: 'same customer' }]);
      await db.transaction(async (tx) => {
        // Lock both rows in id order so two merges over the same pair cannot deadlock.
        const locked = await tx
          .select()
          .from(customers)
          .where(and(inArray(customers.id, [id, sourceId]), storeScope(actor, customers.storeId)))
          .orderBy(asc(customers.id))
          .for('update');
        const survivor = locked.find((c) => c.id === id);
        const source = locked.find((c) => c.id === sourceId);
        if (!survivor || !source) throw new NotFoundError('客户');
        assertActive(survivor);
        assertActive(source);

        await tx.update(customers).set({ status: 'merged', mergedIntoId: id, mobile: null }).where(eq(customers.id, sourceId));
        await deps.vehicles.reassignCustomer(tx, sourceId, id);
        await deps.sales.reassignCustomer(tx, sourceId, id);
        await deps.serviceOrders.reassignCustomer(tx, sourceId, id);
        for (const f of deps.mergeFollowers ?? []) await f.reassignCustomer(tx, sourceId, id);
        await tx.update(interactions).set({ customerId: id }).where(eq(interactions.customerId, sourceId));
        await tx.update(behaviourEvents).set({ customerId: id }).where(eq(behaviourEvents.customerId, sourceId));

        await tx.execute(sql`
          insert into customer_tags (customer_id, tag_id, store_id, created_by, created_at)
          select ${id}, tag_id, ${survivor.storeId}, created_by, created_at from customer_tags where customer_id = ${sourceId}
          on conflict do nothing`);
        await tx.delete(customerTags).where(eq(customerTags.customerId, sourceId));

        // Consents: where both answered the same channel and purpose, the newer answer wins; the rest move over.
        await tx.execute(sql`
          update customer_consents s
             set granted = src.granted, source = src.source, recorded_at = src.recorded_at, recorded_by = src.recorded_by, updated_at = now()
            from customer_consents src
           where s.customer_id = ${id} and src.customer_id = ${sourceId}
             and src.channel = s.channel and src.purpose = s.purpose and src.recorded_at > s.recorded_at`);
        await tx.execute(sql`
          delete from customer_consents src
           where src.customer_id = ${sourceId}
             and exists (select 1 from customer_consents s where s.customer_id = ${id} and s.channel = src.channel and s.purpose = src.purpose)`);
        await tx.update(customerConsents).set({ customerId: id, storeId: survivor.storeId }).where(eq(customerConsents.customerId, sourceId));

        const fill = mergeFill(survivor, source);
        if (Object.keys(fill).length) await tx.update(customers).set(fill as Partial<typeof customers.$inferInsert>).where(eq(customers.id, id));

        await recordAudit(tx, actor, {
          action: 'customer.merge',
          entityType: 'customer',
          entityId: id,
          storeId: survivor.storeId,
          customerId: id,
          detail: { survivorId: id, sourceId, sourceStoreId: source.storeId, filledFields: Object.keys(fill) },
        });
        // Modules that keep their own per-customer rows (loyalty, referrals, tasks…) follow the merge from this event.
        await emitEvent(tx, 'customer.merged', { customerId: id, storeId: survivor.storeId, payload: { survivorId: id, sourceId } });
      });
      return get360(actor, id);
    },
  };
}

export type TCustomersService = ReturnType<typeof createCustomersService>;
