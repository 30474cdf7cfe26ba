/**
 * The journeys engine's SQL: a rule's candidates over a range of business days, set-based. Every trigger kind yields
 * rows `(day, customer_id, vehicle_id, firing_key, reason)`; the wrapper joins the customer (active, in the allowed
 * stores), the facts, the audience (a segment's compiled rule) and the built-in conditions. Runs evaluate one day;
 * the preview evaluates the next 31 days in the same statement.
 */
import { sql, type SQL } from 'drizzle-orm';
import { DATE_FIELDS, TRIGGER_EVENTS, type TCondition, type TTrigger } from '../../../contracts/journeys.js';
import { vehicleEstimatedKmSql } from '../segments/calendar.js';
import { compileRule, type TCompileContext } from '../segments/compiler.js';
import type { TSegmentRule } from '../../../contracts/segments.js';

/** Events older than this many days past their due day are no longer fired (the daily run catches up a missed day or two). */
export const EVENT_GRACE_DAYS = 3;

export interface TCandidateOptions {
  from: string;
  to: string;
  timeZone: string;
  /** Extra days back an event trigger still fires (runs: EVENT_GRACE_DAYS; preview: 0). */
  eventGraceDays: number;
  /** `c.store_id` predicate. */
  storeFilter: SQL;
  /** The compiled audience rule (over `c` and `f`), or null. */
  audience: { rule: TSegmentRule; ctx: TCompileContext } | null;
  conditions: TCondition[];
  /** Only these customers (the incremental run). */
  customerIds?: string[] | null;
  /**
   * Leave out the keys this rule has fired already, before the joins. Runs of a daily rule set it: its audience is
   * mostly the members that fired earlier in the period (every car over 40,000 km, every trade-in candidate of the
   * year), and dropping them first keeps the day's work to the new ones.
   */
  notFiredOf?: string | null;
  /**
   * The rule's last complete evaluation in this period (a daily rule whose audience is the facts alone, see
   * `readsFactsAlone`): only the facts written since (a few minutes' margin), and the cars whose estimate crossed the mileage
   * mark since its day, can be new members; every other member was one then, and fired. Null: everyone.
   */
  changedSince?: { at: Date; day: string } | null;
  /** The rule's names, prefixed to the reason of each firing. */
  ruleName: { zh: string; en: string };
}

const d = (s: string) => sql`${s}::date`;
/** The to_char format naming a daily rule's period in its firing keys (null: once ever, or not a daily rule). */
export function periodFormat(t: TTrigger): string | null {
  if (t.kind !== 'daily' || t.period === 'once') return null;
  return { year: 'YYYY', quarter: 'YYYY-"Q"Q', month: 'YYYY-MM', week: 'IYYY-"W"IW' }[t.period];
}

/** How far before a mark the facts written still count as new (see `changedSince`): clock skew between processes. */
export const MARK_MARGIN_MS = 5 * 60_000;

/**
 * A daily rule whose members are decided by stored facts alone (no audience; per customer: trade-in candidate and
 * owners conditions; per car: one mileage condition): a member that did not fire at the last complete evaluation can
 * only be one whose facts were written since, or whose car's estimate crossed the mark since. Its runs read only
 * those (`changedSince`).
 */
export function readsFactsAlone(t: TTrigger, audience: unknown, conditions: TCondition[]): boolean {
  if (t.kind !== 'daily' || audience) return false;
  // One mileage mark: the crossing is what makes a car new (a second, higher mark could be crossed unseen).
  if (t.scope === 'vehicle') return conditions.length === 1 && conditions[0]!.kind === 'mileage_over';
  return conditions.every((c) => c.kind === 'trade_in_candidate' || c.kind === 'owners');
}

/** A date's day of the year as MMDD (the expression of the index customers_birthday_day_idx). */
const birthdayDaySql = (col: SQL) => sql`((extract(month from ${col}))::int * 100 + (extract(day from ${col}))::int)`;
/** The threshold of a mileage condition (40,000 km unless set). */
const mileageKm = (c: TCondition) => c.km ?? 40_000;
const localDay = (col: SQL, tz: string) => sql`(${col} at time zone ${tz})::date`;
const midnight = (day: SQL, tz: string) => sql`((${day})::timestamp at time zone ${tz})`;

function fieldLabel(field: string): [string, string] {
  const f = DATE_FIELDS.find((x) => x.key === field);
  return f ? [f.zh, f.en] : [field, field];
}

/** The raw occurrences of a trigger in [from, to]: `day, customer_id, vehicle_id, occ (date), key, reason`. */
function triggerSql(t: TTrigger, o: TCandidateOptions): SQL {
  const from = d(o.from);
  const to = d(o.to);
  const tz = o.timeZone;
  if (t.kind === 'daily') {
    // Facts do not predict the future: the audience of today fires today; later days only show new members once they join.
    const format = periodFormat(t);
    // A scalar subquery: computed once, not once per row (to_char is only stable).
    const period = format ? sql`(select to_char(${from}, ${format}))` : sql`'once'`;
    const mileage = o.conditions.find((c) => c.kind === 'mileage_over');
    // Facts written since the last complete evaluation. It read under the facts lock, and a refresh stamps its rows
    // with the instant it got that lock: what was written after carries a later stamp. The margin absorbs the clocks
    // of two processes drifting apart.
    const since = o.changedSince ? sql`${new Date(o.changedSince.at.getTime() - MARK_MARGIN_MS).toISOString()}::timestamptz` : null;
    if (t.scope === 'vehicle' && mileage) {
      // Driven by the estimate itself (the cars in use carry facts): a few hundred thousand cars over the threshold
      // rather than every car. The car's status and owner are checked after the firing keys (candidatesSql).
      const km = mileageKm(mileage);
      const crossed = since
        ? sql`and (vf.computed_at >= ${since} or ${vehicleEstimatedKmSql(d(o.changedSince!.day), 'vf')} < ${km})`
        : sql``;
      return sql`select ${from} as day, vf.customer_id, vf.vehicle_id, ${from} as occ,
          'daily:' || ${period} || ':' || vf.vehicle_id as key, ${'每日评估 / Daily'}::text as reason
        from vehicle_facts vf where ${vehicleEstimatedKmSql(from, 'vf')} >= ${km} ${crossed}`;
    }
    if (t.scope === 'vehicle') {
      return sql`select ${from} as day, v.customer_id, v.id as vehicle_id, ${from} as occ,
          'daily:' || ${period} || ':' || v.id as key, ${'每日评估 / Daily'}::text as reason
        from vehicles v where v.status = 'in_use'`;
    }
    // The conditions on the customer's own facts narrow the scan here, before the firing keys are looked up.
    const own = o.conditions.filter((c) => c.kind === 'trade_in_candidate' || c.kind === 'owners').map((c) => conditionSql(c, t, tz));
    if (since) own.push(sql`f.computed_at >= ${since}`);
    return sql`select ${from} as day, f.customer_id, null::uuid as vehicle_id, ${from} as occ,
        'daily:' || ${period} || ':' || f.customer_id as key, ${'每日评估 / Daily'}::text as reason
      from customer_facts f where ${sql.join([sql`true`, ...own], sql` and `)}`;
  }
  if (t.kind === 'annual_date') {
    const mmdd = `${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
    return sql`select g.d as day, f.customer_id, null::uuid as vehicle_id, g.d as occ,
        'annual:' || to_char(g.d, 'YYYY') || ':' || f.customer_id as key, ${`每年 ${mmdd} / Every year on ${mmdd}`}::text as reason
      from (select gs::date as d from generate_series(${from}, ${to}, interval '1 day') gs where to_char(gs, 'MM-DD') = ${mmdd}) g
      cross join customer_facts f`;
  }
  if (t.kind === 'event') {
    const label = TRIGGER_EVENTS.find((e) => e.key === t.eventType);
    const delay = t.delayDays;
    const created = localDay(sql`e.created_at`, tz);
    return sql`select greatest(${created} + ${delay}::int, ${from}) as day, e.customer_id,
        case when e.payload->>'vehicleId' ~ '^[0-9a-f-]{36}$' then (e.payload->>'vehicleId')::uuid end as vehicle_id,
        ${created} as occ, 'event:' || e.id as key,
        ${label?.zh ?? t.eventType}::text || coalesce(' ' || coalesce(e.payload->>'orderNo', e.payload->>'roNo'), '') || ' / ' ||
          ${label?.en ?? t.eventType}::text || coalesce(' ' || coalesce(e.payload->>'orderNo', e.payload->>'roNo'), '') as reason,
        e.payload as payload
      from domain_events e
      where e.type = ${t.eventType} and e.customer_id is not null
        and e.created_at >= ${midnight(sql`${from} - ${delay + o.eventGraceDays}::int`, tz)}
        and e.created_at < ${midnight(sql`${to} - ${delay}::int + 1`, tz)}`;
  }
  // date_offset: the rule fires on occ + offset, so the occurrences of [from, to] are those in [from - k, to - k].
  const k = t.offsetDays;
  const lo = sql`(${from} - ${k}::int)`;
  const hi = sql`(${to} - ${k}::int)`;
  const [zh, en] = fieldLabel(t.field);
  const reason = (occ: SQL) => sql`${zh}::text || ' ' || ${occ}::text || ' / ' || ${en}::text || ' ' || ${occ}::text`;
  const vehicleRows = (col: SQL, keyPrefix: string, extra: SQL = sql`true`) => sql`
    select ${col} + ${k}::int as day, v.customer_id, v.id as vehicle_id, ${col} as occ,
      ${keyPrefix} || ':' || v.id || ':' || ${col}::text as key, ${reason(col)} as reason
    from vehicles v where v.status = 'in_use' and ${col} between ${lo} and ${hi} and ${extra}`;
  switch (t.field) {
    case 'customer.birthday': {
      // The occurrence is this year's birthday (29 Feb falls on 28 Feb in common years). The days of the range as
      // MMDD numbers (plus 229 on 28 Feb of common years), each matched through the birthday-day index.
      return sql`select g.d + ${k}::int as day, c.id as customer_id, null::uuid as vehicle_id, g.d as occ,
          'birthday:' || to_char(g.d, 'YYYY') || ':' || c.id as key, ${reason(sql`to_char(g.d, 'MM-DD')`)} as reason
        from (
          select gs::date as d, (extract(month from gs)::int * 100 + extract(day from gs)::int) as mmdd from generate_series(${lo}, ${hi}, interval '1 day') gs
          union all
          select gs::date, 229 from generate_series(${lo}, ${hi}, interval '1 day') gs
          where to_char(gs, 'MM-DD') = '02-28' and to_char(gs + interval '1 day', 'MM-DD') = '03-01'
        ) g
        join customers c on c.birthday is not null and ${birthdayDaySql(sql`c.birthday`)} = g.mmdd`;
    }
    case 'customer.last_visit': {
      const occ = localDay(sql`f.last_visit_at`, tz);
      return sql`select ${occ} + ${k}::int as day, f.customer_id, null::uuid as vehicle_id, ${occ} as occ,
          'last_visit:' || ${occ}::text || ':' || f.customer_id as key, ${reason(occ)} as reason
        from customer_facts f
        where f.last_visit_at >= ${midnight(lo, tz)} and f.last_visit_at < ${midnight(sql`${hi} + 1`, tz)}`;
    }
    case 'vehicle.delivery_date':
      return vehicleRows(sql`v.delivery_date`, 'delivery');
    case 'vehicle.insurance_expiry':
      return vehicleRows(sql`v.insurance_expiry`, 'insurance');
    case 'vehicle.warranty_end':
      return vehicleRows(sql`v.warranty_end`, 'warranty');
    case 'vehicle.next_maintenance_due':
    case 'vehicle.first_service_due': {
      const first = t.field === 'vehicle.first_service_due';
      return sql`select vf.next_maintenance_due_date + ${k}::int as day, vf.customer_id, vf.vehicle_id, vf.next_maintenance_due_date as occ,
          ${first ? 'first_service' : 'maintenance'} || ':' || vf.vehicle_id || ':' || vf.next_maintenance_due_date::text as key,
          ${reason(sql`vf.next_maintenance_due_date`)} as reason
        from vehicle_facts vf
        where vf.first_service_done = ${!first} and vf.next_maintenance_due_date between ${lo} and ${hi}`;
    }
    case 'vehicle.first_service_date': {
      const occ = localDay(sql`r.opened_at`, tz);
      return sql`select ${occ} + ${k}::int as day, r.customer_id, r.vehicle_id, ${occ} as occ,
          'first_service_done:' || r.vehicle_id || ':' || ${occ}::text as key, ${reason(occ)} as reason
        from repair_orders r
        where r.kind = 'first_service' and r.opened_at >= ${midnight(lo, tz)} and r.opened_at < ${midnight(sql`${hi} + 1`, tz)}`;
    }
  }
}

function conditionSql(c: TCondition, t: TTrigger, tz: string): SQL {
  switch (c.kind) {
    case 'not_visited_since':
      return sql`(f.last_visit_at is null or f.last_visit_at < ${midnight(sql`b.occ + 1`, tz)})`;
    case 'no_booking':
      return sql`not exists (select 1 from appointments ap where ap.customer_id = b.customer_id and ap.status = 'booked' and ap.slot_start >= now())`;
    case 'mileage_over':
      return sql`exists (select 1 from vehicle_facts vf2 where vf2.customer_id = b.customer_id and (b.vehicle_id is null or vf2.vehicle_id = b.vehicle_id)
        and ${vehicleEstimatedKmSql(sql`b.occ`, 'vf2')} >= ${mileageKm(c)})`;
    case 'trade_in_candidate':
      return sql`f.trade_in_candidate`;
    case 'owners':
      return sql`f.vehicle_count > 0`;
    case 'ro_fault_codes':
      return t.kind === 'event'
        ? sql`exists (select 1 from repair_orders r2 where b.payload->>'roId' ~ '^[0-9a-f-]{36}$' and r2.id = (b.payload->>'roId')::uuid and cardinality(r2.fault_codes) > 0)`
        : sql`exists (select 1 from repair_orders r2 where r2.customer_id = b.customer_id and cardinality(r2.fault_codes) > 0 and r2.opened_at >= ${midnight(sql`b.day - 7`, tz)})`;
  }
}

/**
 * The rule's candidates in [from, to]: `day, customer_id, vehicle_id, store_id, firing_key, reason`. `mileage_over`
 * with a threshold puts the threshold into the firing key, so a higher threshold can fire again for the same car.
 */
export function candidatesSql(t: TTrigger, o: TCandidateOptions): SQL {
  const conds: SQL[] = [sql`c.status = 'active'`, o.storeFilter];
  if (o.audience) conds.push(compileRule(o.audience.rule, o.audience.ctx));
  // A daily per-car mileage rule already reads only the cars over the threshold (triggerSql); what is left to check
  // is that the car is still in use and still this owner's.
  const driving = t.kind === 'daily' && t.scope === 'vehicle' ? o.conditions.find((c) => c.kind === 'mileage_over') : undefined;
  const byEstimate = driving !== undefined;
  for (const c of o.conditions) if (c !== driving) conds.push(conditionSql(c, t, o.timeZone));
  if (byEstimate) conds.push(sql`exists (select 1 from vehicles v where v.id = b.vehicle_id and v.customer_id = b.customer_id and v.status = 'in_use')`);
  const ids = o.customerIds ? `{${o.customerIds.join(',')}}` : null;
  if (ids) {
    // On both sides of the join: the customers are then probed by key instead of scanned (1M rows for a few thousand).
    conds.push(sql`b.customer_id = any(${ids}::uuid[]) and c.id = any(${ids}::uuid[])`);
  }
  const km = o.conditions.find((c) => c.kind === 'mileage_over')?.km;
  const keyOf = (alias: string) => (km ? sql`${sql.raw(alias)}.key || ':' || ${String(km)}` : sql`${sql.raw(alias)}.key`);
  let rows = triggerSql(t, o);
  let join = sql`join customers c on c.id = b.customer_id
    left join customer_facts f on f.customer_id = b.customer_id`;
  if (o.notFiredOf) {
    // The keys fired before go first, behind a fence (offset 0) so that the planner cannot join the customers to the
    // whole audience before; the few rows left then find their customer and facts by key (laterals, fenced too: the
    // planner cannot know how few rows the anti-join leaves and would otherwise scan both tables to hash them).
    rows = sql`select * from (${rows}) t
      where not exists (select 1 from journey_firings jf where jf.rule_id = ${o.notFiredOf}::uuid and jf.firing_key = ${keyOf('t')})
        ${ids ? sql`and t.customer_id = any(${ids}::uuid[])` : sql``}
      offset 0`;
    join = sql`join lateral (select * from customers c0 where c0.id = b.customer_id offset 0) c on true
      left join lateral (select * from customer_facts f0 where f0.customer_id = b.customer_id offset 0) f on true`;
  }
  return sql`select b.day::date as day, b.customer_id, b.vehicle_id, c.store_id, ${keyOf('b')} as firing_key,
      ${o.ruleName.zh}::text || ' · ' || split_part(b.reason, ' / ', 1) || ' / ' || ${o.ruleName.en || o.ruleName.zh}::text || ' · ' || coalesce(nullif(split_part(b.reason, ' / ', 2), ''), b.reason) as reason
    from (${rows}) b
    ${join}
    where b.day between ${d(o.from)} and ${d(o.to)} and ${sql.join(conds, sql` and `)}`;
}
