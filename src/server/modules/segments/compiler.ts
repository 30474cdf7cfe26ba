/**
 * Compiles a segment rule tree (see `src/contracts/segments.ts`) into one parameterised SQL boolean over
 * `customer_facts f JOIN customers c ON c.id = f.customer_id`: a segment's members are active customers with facts
 * (every active customer has a facts row within a minute of being created). Fields over sets of records (vehicles,
 * tags, repair orders, behaviour) become EXISTS subqueries correlated on `f.customer_id`; only fields of the customer
 * record itself need `c`, so a count of a rule without them reads `customer_facts` alone (`ruleNeedsCustomer`).
 *
 * Two-valued logic: a comparison with a missing value (no facts row yet, no last visit) is false, and NOT of it is
 * true. SQL would make both NULL, so negations are pushed down to the leaves (De Morgan) and a negated leaf is written
 * `(…) IS NOT TRUE`; with no NOT left above a leaf, a NULL leaf can only ever act as false.
 *
 * Every value is a bound parameter; field ids map to fixed SQL fragments here, never to text from the request.
 */
import { sql, type SQL } from 'drizzle-orm';
import {
  FIELD_BY_ID,
  isGroup,
  NEGATIONS,
  type TCmp,
  type TDateValue,
  type TRelative,
  type TRuleCondition,
  type TRuleNode,
  type TSegmentField,
} from '../../../contracts/segments.js';
import { maxKmSql, storedAnchors, vehicleEstimatedKmSql } from './calendar.js';
import { addDays, localMidnight, relativeRange, resolveRelative } from './rules.js';

export interface TCompileContext {
  /** The business day relative dates count from ('YYYY-MM-DD'). */
  today: string;
  /** The group's time zone: timestamps compare by their local day. */
  timeZone: string;
}

/**
 * `instant`: a timestamp compared by its local day (written as instant bounds, so no per-row conversion and an index
 * could serve it); `exists`: a boolean that is never NULL (an EXISTS), left bare so the planner can make it a semi-join.
 */
type TScalarKind = 'number' | 'date' | 'instant' | 'text' | 'enum' | 'exists' | 'set';
interface TScalarDef {
  kind: TScalarKind;
  expr: (x: TCompileContext) => SQL;
}
interface TRelationDef {
  /** Builds the EXISTS (or count) for a positive comparison. */
  build: (cond: TRuleCondition, cmp: TCmp, x: TCompileContext) => SQL;
}


/** Scalar fields: one expression per customer row. */
const SCALARS: Record<string, TScalarDef> = {
  'facts.lifecycle_stage': { kind: 'enum', expr: () => sql`f.lifecycle_stage` },
  'facts.value_tier': { kind: 'enum', expr: () => sql`f.value_tier` },
  'facts.needs': { kind: 'set', expr: () => sql`f.needs` },
  'facts.last_visit': { kind: 'instant', expr: () => sql`f.last_visit_at` },
  'facts.visits_12m': { kind: 'number', expr: () => sql`f.visits_12m` },
  'facts.spend_12m': { kind: 'number', expr: () => sql`f.spend_12m_fen` },
  'facts.repairs_6m': { kind: 'number', expr: () => sql`f.repairs_6m` },
  'facts.churn_risk': { kind: 'enum', expr: () => sql`f.churn_risk` },
  'facts.trade_in_score': { kind: 'number', expr: () => sql`f.trade_in_score` },
  'facts.trade_in_candidate': { kind: 'exists', expr: () => sql`f.trade_in_candidate` },
  'facts.trade_in_intent': { kind: 'exists', expr: () => sql`f.has_trade_in_intent` },
  'facts.next_maintenance_due': { kind: 'date', expr: () => sql`f.next_maintenance_due_date` },
  'facts.insurance_expiry': { kind: 'date', expr: () => sql`f.next_insurance_expiry` },
  'facts.days_to_insurance_expiry': { kind: 'number', expr: (x) => sql`(f.next_insurance_expiry - ${x.today}::date)` },
  'facts.estimated_mileage': { kind: 'number', expr: (x) => maxKmSql(x.today, storedAnchors('f')) },
  'facts.vehicle_count': { kind: 'number', expr: () => sql`f.vehicle_count` },
  'customer.store': { kind: 'enum', expr: () => sql`f.store_id` },
  'customer.gender': { kind: 'enum', expr: () => sql`c.gender` },
  'customer.age': { kind: 'number', expr: (x) => sql`extract(year from age(${x.today}::date, c.birthday))::int` },
  'customer.birthday_month': { kind: 'number', expr: () => sql`extract(month from c.birthday)::int` },
  'customer.birthday': { kind: 'date', expr: () => sql`c.birthday` },
  'customer.city': { kind: 'text', expr: () => sql`c.city` },
  'customer.occupation': { kind: 'text', expr: () => sql`c.occupation` },
  'customer.source_channel': { kind: 'text', expr: () => sql`c.source_channel` },
  'customer.created': { kind: 'instant', expr: () => sql`c.created_at` },
  'customer.consultant': { kind: 'enum', expr: () => sql`c.sales_consultant_id` },
  'customer.advisor': { kind: 'enum', expr: () => sql`c.service_advisor_id` },
  'customer.wechat_bound': { kind: 'exists', expr: () => sql`(c.wechat_openid is not null)` },
  'consent.sms_marketing': { kind: 'exists', expr: () => sql`f.consent_sms_marketing` },
  'consent.wechat_marketing': { kind: 'exists', expr: () => sql`f.consent_wechat_marketing` },
};

/** Vehicle fields: compared on the customer's vehicles in use (`v`, with `vf` facts and `vm` model when needed). */
const VEHICLE: Record<string, { kind: TScalarKind; expr: (x: TCompileContext) => SQL; needs?: 'vf' | 'vm' }> = {
  'vehicle.model': { kind: 'enum', expr: () => sql`v.model_id` },
  'vehicle.body_type': { kind: 'enum', expr: () => sql`vm.body_type`, needs: 'vm' },
  'vehicle.powertrain': { kind: 'enum', expr: () => sql`vm.powertrain`, needs: 'vm' },
  'vehicle.purchase_date': { kind: 'date', expr: () => sql`v.purchase_date` },
  'vehicle.age_years': { kind: 'number', expr: (x) => sql`((${x.today}::date - coalesce(v.delivery_date, v.purchase_date))::float8 / 365.25)` },
  'vehicle.plate': { kind: 'text', expr: () => sql`v.plate` },
  'vehicle.insurance_expiry': { kind: 'date', expr: () => sql`v.insurance_expiry` },
  'vehicle.warranty_end': { kind: 'date', expr: () => sql`vf.warranty_end`, needs: 'vf' },
  'vehicle.estimated_mileage': { kind: 'number', expr: (x) => vehicleEstimatedKmSql(x.today, 'vf'), needs: 'vf' },
  'vehicle.next_maintenance_due': { kind: 'date', expr: () => sql`vf.next_maintenance_due_date`, needs: 'vf' },
};

/** A records window (`period`) as a condition on a timestamp column: from the start of its first day to the end of today. */
function periodSql(col: SQL, period: TRelative | undefined, x: TCompileContext): SQL {
  const end = localMidnight(addDays(x.today, 1), x.timeZone);
  if (!period) return sql`${col} < ${end}::timestamptz`;
  const [from] = relativeRange(period, x.today);
  return sql`${col} >= ${localMidnight(from, x.timeZone)}::timestamptz and ${col} < ${end}::timestamptz`;
}

const list = (values: unknown[], cast = '') => sql.join(values.map((v) => sql`${v}${sql.raw(cast)}`), sql`, `);

const RELATIONS: Record<string, TRelationDef> = {
  tags: {
    build: (cond, cmp) => {
      const ids = cond.value as string[];
      const one = (tagIds: string[]) => sql`exists (select 1 from customer_tags ct where ct.customer_id = f.customer_id and ct.tag_id in (${list(tagIds, '::uuid')}))`;
      if (cmp === 'all') return sql`(${sql.join([...new Set(ids)].map((id) => one([id])), sql` and `)})`;
      return one(ids);
    },
  },
  'ro.kind': {
    build: (cond, _cmp, x) =>
      sql`exists (select 1 from repair_orders r where r.customer_id = f.customer_id and r.stage <> 'booked' and r.kind in (${list(cond.value as string[])}) and ${periodSql(sql`r.opened_at`, cond.period, x)})`,
  },
  'ro.count': {
    build: (cond, cmp, x) => {
      const kinds = cond.kinds?.length ? sql` and r.kind in (${list(cond.kinds)})` : sql``;
      const n = sql`(select count(*) from repair_orders r where r.customer_id = f.customer_id and r.stage <> 'booked'${kinds} and ${periodSql(sql`r.opened_at`, cond.period, x)})`;
      return compare(n, 'number', cmp, cond.value, x);
    },
  },
  'behaviour.kind': {
    build: (cond, _cmp, x) =>
      sql`exists (select 1 from behaviour_events b where b.customer_id = f.customer_id and b.kind in (${list(cond.value as string[])}) and ${periodSql(sql`b.occurred_at`, cond.period, x)})`,
  },
};

/** A date value: absolute, or relative to today. */
export function resolveDate(v: TDateValue, today: string): string {
  return typeof v === 'string' ? v : resolveRelative(v, today);
}

/** A between pair resolved and ordered (relative ends may come in either order). */
export function resolvePair(v: [TDateValue, TDateValue], today: string): [string, string] {
  const a = resolveDate(v[0], today);
  const b = resolveDate(v[1], today);
  return a <= b ? [a, b] : [b, a];
}

/** A timestamp column within local days [from, to] (inclusive), as instant bounds. */
function instantRange(expr: SQL, from: string | null, to: string | null, x: TCompileContext): SQL {
  const parts: SQL[] = [];
  if (from) parts.push(sql`${expr} >= ${localMidnight(from, x.timeZone)}::timestamptz`);
  if (to) parts.push(sql`${expr} < ${localMidnight(addDays(to, 1), x.timeZone)}::timestamptz`);
  return parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` and `)})`;
}

/** Comparisons of a timestamp by its local day. */
function compareInstant(expr: SQL, cmp: TCmp, value: unknown, x: TCompileContext): SQL {
  const d = () => resolveDate(value as TDateValue, x.today);
  switch (cmp) {
    case 'eq':
      return instantRange(expr, d(), d(), x);
    case 'gt':
      return instantRange(expr, addDays(d(), 1), null, x);
    case 'gte':
      return instantRange(expr, d(), null, x);
    case 'lt':
      return instantRange(expr, null, addDays(d(), -1), x);
    case 'lte':
      return instantRange(expr, null, d(), x);
    case 'between': {
      const [a, b] = resolvePair(value as [TDateValue, TDateValue], x.today);
      return instantRange(expr, a, b, x);
    }
    case 'within': {
      const [a, b] = relativeRange(value as TRelative, x.today);
      return instantRange(expr, a, b, x);
    }
    case 'is_empty':
      return sql`${expr} is null`;
    default:
      throw new Error(`comparator ${cmp} does not apply to dates`);
  }
}

/** The positive comparison of an expression with a value. */
function compare(expr: SQL, kind: TScalarKind, cmp: TCmp, value: unknown, x: TCompileContext): SQL {
  if (kind === 'exists') return value ? expr : sql`not ${expr}`;
  if (kind === 'instant') return compareInstant(expr, cmp, value, x);
  if (kind === 'set') {
    if (cmp === 'is_empty') return sql`coalesce(cardinality(${expr}), 0) = 0`;
    const arr = sql`array[${list(value as string[])}]::text[]`;
    return cmp === 'all' ? sql`${expr} @> ${arr}` : sql`${expr} && ${arr}`;
  }
  const cast = kind === 'number' ? '::numeric' : kind === 'date' ? '::date' : '';
  const val = (v: unknown) => (kind === 'date' ? sql`${resolveDate(v as TDateValue, x.today)}::date` : sql`${v}${sql.raw(cast)}`);
  switch (cmp) {
    case 'eq':
      return sql`${expr} = ${val(value)}`;
    case 'gt':
      return sql`${expr} > ${val(value)}`;
    case 'gte':
      return sql`${expr} >= ${val(value)}`;
    case 'lt':
      return sql`${expr} < ${val(value)}`;
    case 'lte':
      return sql`${expr} <= ${val(value)}`;
    case 'between': {
      if (kind === 'date') {
        const [a, b] = resolvePair(value as [TDateValue, TDateValue], x.today);
        return sql`${expr} between ${a}::date and ${b}::date`;
      }
      const [a, b] = value as [unknown, unknown];
      return sql`${expr} between ${val(a)} and ${val(b)}`;
    }
    case 'within': {
      const [a, b] = relativeRange(value as TRelative, x.today);
      return sql`${expr} between ${a}::date and ${b}::date`;
    }
    case 'in':
      return sql`${expr} in (${sql.join((value as unknown[]).map(val), sql`, `)})`;
    case 'contains':
      return sql`strpos(${expr}, ${value as string}) > 0`;
    case 'starts_with':
      return sql`starts_with(${expr}, ${value as string})`;
    case 'is_empty':
      return kind === 'text' ? sql`coalesce(${expr}, '') = ''` : sql`${expr} is null`;
    default:
      throw new Error(`comparator ${cmp} has no positive form`);
  }
}

function leaf(cond: TRuleCondition, field: TSegmentField, cmp: TCmp, x: TCompileContext): SQL {
  const scalar = SCALARS[field.id];
  if (scalar) return compare(scalar.expr(x), scalar.kind, cmp, cond.value, x);
  const rel = RELATIONS[field.id];
  if (rel) return rel.build(cond, cmp, x);
  const veh = VEHICLE[field.id];
  if (veh) {
    const joins = veh.needs === 'vf' ? sql` join vehicle_facts vf on vf.vehicle_id = v.id` : veh.needs === 'vm' ? sql` join vehicle_models vm on vm.id = v.model_id` : sql``;
    return sql`exists (select 1 from vehicles v${joins} where v.customer_id = f.customer_id and v.status = 'in_use' and ${compare(veh.expr(x), veh.kind, cmp, cond.value, x)})`;
  }
  throw new Error(`field ${field.id} has no SQL mapping`);
}

function compileNode(node: TRuleNode, negated: boolean, x: TCompileContext): SQL {
  if (isGroup(node)) {
    if (node.op === 'not') return compileNode(node.children[0]!, !negated, x);
    // De Morgan: NOT (a AND b) = NOT a OR NOT b.
    const conj = (node.op === 'and') !== negated;
    if (node.children.length === 0) return conj ? sql`true` : sql`false`;
    const parts = node.children.map((c) => compileNode(c, negated, x));
    return sql`(${sql.join(parts, conj ? sql` and ` : sql` or `)})`;
  }
  const field = FIELD_BY_ID.get(node.field);
  if (!field) throw new Error(`unknown field ${node.field}`);
  const positive = NEGATIONS[node.cmp];
  const neg = positive ? !negated : negated;
  const expr = leaf(node, field, positive ?? node.cmp, x);
  return neg ? sql`(${expr}) is not true` : expr;
}

/**
 * The rule as a SQL boolean over `c` (customers) and `f` (customer_facts, left-joined). The rule must have passed
 * `ZSegmentRule` (unknown fields and malformed values are not re-checked here).
 */
export function compileRule(rule: TRuleNode, x: TCompileContext): SQL {
  return compileNode(rule, false, x);
}

/** Fields of the customer record: a rule naming one needs the `customers c` join. */
const CUSTOMER_FIELDS = new Set(Object.keys(SCALARS).filter((id) => id.startsWith('customer.') && id !== 'customer.store'));

/** Whether the rule reads the customer record (`c`), or `customer_facts f` and correlated subqueries suffice. */
export function ruleNeedsCustomer(rule: TRuleNode): boolean {
  return isGroup(rule) ? rule.children.some(ruleNeedsCustomer) : CUSTOMER_FIELDS.has(rule.field);
}

/** The FROM clause of segment queries that list customers (and of rules naming customer fields). */
export const SEGMENT_FROM = sql`customer_facts f join customers c on c.id = f.customer_id`;

/**
 * The count of a rule's members within a store scope (a condition on `f.store_id`). A rule that reads no field of the
 * customer record is counted on `customer_facts` alone — it holds exactly the active customers — which keeps counts of
 * a million customers to one narrow table.
 */
export function segmentCountSql(rule: TRuleNode, x: TCompileContext, scope: SQL): SQL {
  const where = compileRule(rule, x);
  return ruleNeedsCustomer(rule)
    ? sql`select count(*)::int as n from ${SEGMENT_FROM} where c.status = 'active' and ${scope} and ${where}`
    : sql`select count(*)::int as n from customer_facts f where ${scope} and ${where}`;
}
