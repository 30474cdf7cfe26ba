/**
 * The rule compiler agrees with a plain in-memory evaluation: random rule trees (AND / OR / NOT, relative dates,
 * tags, vehicle EXISTS, records with periods) over a generated dealer group, evaluated once by PostgreSQL through
 * `compileRule` and once here in JavaScript over the same rows. The JS evaluator is written from the contract's
 * semantics (src/contracts/segments.ts), not from the compiler.
 */
import { maxKmSql, storedAnchors, vehicleEstimatedKmSql } from './calendar.js';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BEHAVIOUR_KINDS,
  CHURN_RISKS,
  LIFECYCLE_STAGES,
  NEEDS,
  VALUE_TIERS,
  ZSegmentRule,
  type TCmp,
  type TRelative,
  type TRuleCondition,
  type TRuleNode,
} from '../../../contracts/segments.js';
import { seedDemo } from '../../seed/demo.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { compileRule, SEGMENT_FROM, segmentCountSql } from './compiler.js';
import { addDays, localDate, relativeRange, resolveRelative } from './rules.js';

const TODAY = '2026-11-23';
const TZ = 'Asia/Shanghai';
let env: TestEnv;

interface Row {
  id: string;
  status: string;
  storeId: string;
  gender: string;
  birthday: string | null;
  city: string;
  occupation: string;
  source: string;
  createdDay: string;
  consultant: string | null;
  advisor: string | null;
  wechat: boolean;
  facts: null | {
    stage: string;
    tier: string;
    needs: string[];
    lastVisit: string | null;
    visits: number;
    spend: number;
    repairs: number;
    churn: string;
    tradeInScore: number;
    candidate: boolean;
    intent: boolean;
    nextMaint: string | null;
    insurance: string | null;
    estKm: number | null;
    vehicleCount: number;
  };
  tags: Set<string>;
  consents: Set<string>;
  vehicles: {
    modelId: string | null;
    bodyType: string | null;
    powertrain: string | null;
    purchase: string | null;
    base: string | null;
    plate: string | null;
    insurance: string | null;
    warranty: string | null;
    estKm: number | null;
    nextMaint: string | null;
  }[];
  ros: { kind: string; day: string }[];
  behaviour: { kind: string; day: string }[];
}

let rows: Row[] = [];
const pools = {
  cities: [] as string[],
  sources: [] as string[],
  stores: [] as string[],
  consultants: [] as string[],
  tags: [] as string[],
  models: [] as string[],
  plates: [] as string[],
};

const dayOf = (d: Date | string) => localDate(new Date(d), TZ);
const days = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

beforeAll(async () => {
  env = await createTestEnv({ now: '2026-11-23T02:00:00Z' });
  await seedDemo(env.ctx.db, { size: 240, seed: 7, asOf: TODAY });
  await env.ctx.services.segments.refreshFacts({ asOf: TODAY });
  // A few customers without facts (created after the run), one merged away: neither is a member.
  await env.ctx.db.execute(sql`delete from customer_facts where customer_id in (select id from customers order by id limit 5)`);
  // A merge emits customer.merged; the consumer's incremental refresh removes the source's facts.
  const merged = (await env.ctx.db.execute<{ id: string }>(sql`update customers set status = 'merged' where id = (select id from customers order by id desc limit 1) returning id`)).rows[0]!.id;
  await env.ctx.services.segments.refreshFacts({ asOf: TODAY, customerIds: [merged] });

  const q = async <T>(text: ReturnType<typeof sql>) => (await env.ctx.db.execute(text)).rows as T[];
  const cs = await q<Record<string, unknown>>(sql`select c.*, f.lifecycle_stage, f.value_tier, f.needs, f.last_visit_at, f.visits_12m, f.spend_12m_fen, f.repairs_6m,
      f.churn_risk, f.trade_in_score, f.trade_in_candidate, f.has_trade_in_intent, f.next_maintenance_due_date, f.next_insurance_expiry,
      ${maxKmSql(TODAY, storedAnchors('f'))} as max_estimated_mileage_km, f.vehicle_count, f.customer_id as fid
    from customers c left join customer_facts f on f.customer_id = c.id`);
  const byId = new Map<string, Row>();
  for (const c of cs) {
    const r: Row = {
      id: c['id'] as string,
      status: c['status'] as string,
      storeId: c['store_id'] as string,
      gender: c['gender'] as string,
      birthday: c['birthday'] as string | null,
      city: c['city'] as string,
      occupation: c['occupation'] as string,
      source: c['source_channel'] as string,
      createdDay: dayOf(c['created_at'] as Date),
      consultant: c['sales_consultant_id'] as string | null,
      advisor: c['service_advisor_id'] as string | null,
      wechat: c['wechat_openid'] !== null,
      facts: c['fid']
        ? {
            stage: c['lifecycle_stage'] as string,
            tier: c['value_tier'] as string,
            needs: c['needs'] as string[],
            lastVisit: c['last_visit_at'] ? dayOf(c['last_visit_at'] as Date) : null,
            visits: Number(c['visits_12m']),
            spend: Number(c['spend_12m_fen']),
            repairs: Number(c['repairs_6m']),
            churn: c['churn_risk'] as string,
            tradeInScore: Number(c['trade_in_score']),
            candidate: c['trade_in_candidate'] as boolean,
            intent: c['has_trade_in_intent'] as boolean,
            nextMaint: c['next_maintenance_due_date'] as string | null,
            insurance: c['next_insurance_expiry'] as string | null,
            estKm: c['max_estimated_mileage_km'] === null ? null : Number(c['max_estimated_mileage_km']),
            vehicleCount: Number(c['vehicle_count']),
          }
        : null,
      tags: new Set(),
      consents: new Set(),
      vehicles: [],
      ros: [],
      behaviour: [],
    };
    byId.set(r.id, r);
  }
  for (const t of await q<{ customer_id: string; tag_id: string }>(sql`select customer_id, tag_id from customer_tags`)) byId.get(t.customer_id)?.tags.add(t.tag_id);
  for (const t of await q<{ customer_id: string; channel: string }>(sql`select customer_id, channel from customer_consents where purpose = 'marketing' and granted`)) byId.get(t.customer_id)?.consents.add(t.channel);
  for (const v of await q<Record<string, unknown>>(sql`select v.*, m.body_type, m.powertrain, vf.warranty_end as vf_warranty, ${vehicleEstimatedKmSql(TODAY, 'vf')} as estimated_mileage_km, vf.next_maintenance_due_date
      from vehicles v left join vehicle_models m on m.id = v.model_id left join vehicle_facts vf on vf.vehicle_id = v.id where v.status = 'in_use'`)) {
    byId.get(v['customer_id'] as string)?.vehicles.push({
      modelId: v['model_id'] as string | null,
      bodyType: v['body_type'] as string | null,
      powertrain: v['powertrain'] as string | null,
      purchase: v['purchase_date'] as string | null,
      base: (v['delivery_date'] ?? v['purchase_date']) as string | null,
      plate: v['plate'] as string | null,
      insurance: v['insurance_expiry'] as string | null,
      warranty: v['vf_warranty'] as string | null,
      estKm: v['estimated_mileage_km'] === null ? null : Number(v['estimated_mileage_km']),
      nextMaint: v['next_maintenance_due_date'] as string | null,
    });
  }
  for (const r of await q<{ customer_id: string; kind: string; opened_at: Date }>(sql`select customer_id, kind, opened_at from repair_orders where stage <> 'booked'`)) {
    byId.get(r.customer_id)?.ros.push({ kind: r.kind, day: dayOf(r.opened_at) });
  }
  for (const b of await q<{ customer_id: string; kind: string; occurred_at: Date }>(sql`select customer_id, kind, occurred_at from behaviour_events`)) {
    byId.get(b.customer_id)?.behaviour.push({ kind: b.kind, day: dayOf(b.occurred_at) });
  }
  rows = [...byId.values()];
  const uniq = <T>(xs: (T | null | undefined)[]) => [...new Set(xs.filter((x): x is T => x !== null && x !== undefined && x !== ''))];
  pools.cities = uniq(rows.map((r) => r.city));
  pools.sources = uniq(rows.map((r) => r.source));
  pools.stores = uniq(rows.map((r) => r.storeId));
  pools.consultants = uniq(rows.map((r) => r.consultant));
  pools.tags = uniq(rows.flatMap((r) => [...r.tags]));
  pools.models = uniq(rows.flatMap((r) => r.vehicles.map((v) => v.modelId)));
  pools.plates = uniq(rows.flatMap((r) => r.vehicles.map((v) => v.plate?.slice(0, 2))));
}, 120_000);
afterAll(() => env?.close());

// ---------------------------------------------------------------------------------------------------------------
// The in-memory evaluator (two-valued: a missing value makes a comparison false)
// ---------------------------------------------------------------------------------------------------------------

const NEG: Partial<Record<TCmp, TCmp>> = { ne: 'eq', not_in: 'in', not_within: 'within', not_contains: 'contains', is_not_empty: 'is_empty' };
const isRel = (v: unknown): v is TRelative => typeof v === 'object' && v !== null && 'relative' in v;
const dateVal = (v: unknown) => (isRel(v) ? resolveRelative(v, TODAY) : (v as string));

const DATE_FIELDS = new Set(['facts.last_visit', 'facts.next_maintenance_due', 'facts.insurance_expiry', 'customer.birthday', 'customer.created', 'vehicle.purchase_date', 'vehicle.insurance_expiry', 'vehicle.warranty_end', 'vehicle.next_maintenance_due']);

function cmpScalar(x: string | number | null | undefined, cmp: TCmp, value: unknown, isDate = false): boolean {
  if (cmp === 'is_empty') return x === null || x === undefined || x === '';
  if (x === null || x === undefined) return false;
  const norm = (v: unknown) => (isDate ? dateVal(v) : v) as string | number;
  switch (cmp) {
    case 'eq':
      return x === norm(value);
    case 'gt':
      return x > norm(value);
    case 'gte':
      return x >= norm(value);
    case 'lt':
      return x < norm(value);
    case 'lte':
      return x <= norm(value);
    case 'between': {
      let [a, b] = (value as unknown[]).map(norm) as [string | number, string | number];
      if (isDate && a > b) [a, b] = [b, a];
      return x >= a && x <= b;
    }
    case 'within': {
      const [a, b] = relativeRange(value as TRelative, TODAY);
      return x >= a && x <= b;
    }
    case 'in':
      return (value as unknown[]).map(norm).includes(x);
    case 'contains':
      return String(x).includes(value as string);
    case 'starts_with':
      return String(x).startsWith(value as string);
    default:
      throw new Error(`no positive ${cmp}`);
  }
}

const inPeriod = (day: string, period: TRelative | undefined) => day <= TODAY && (!period || day >= relativeRange(period, TODAY)[0]);
const age = (birthday: string) => {
  const [by, bm, bd] = birthday.split('-').map(Number) as [number, number, number];
  const [y, m, d] = TODAY.split('-').map(Number) as [number, number, number];
  return y - by - (m * 100 + d < bm * 100 + bd ? 1 : 0);
};

function positive(r: Row, c: TRuleCondition, cmp: TCmp): boolean {
  const f = r.facts;
  const v = c.value;
  const isDate = DATE_FIELDS.has(c.field);
  const scalar = (x: string | number | null | undefined) => cmpScalar(x, cmp, v, isDate);
  const bool = (x: boolean | null | undefined) => (x ?? false) === v;
  const anyVehicle = (get: (veh: Row['vehicles'][number]) => string | number | null) => r.vehicles.some((veh) => cmpScalar(get(veh), cmp, v, isDate));
  switch (c.field) {
    case 'facts.lifecycle_stage':
      return scalar(f?.stage);
    case 'facts.value_tier':
      return scalar(f?.tier);
    case 'facts.churn_risk':
      return scalar(f?.churn);
    case 'facts.needs':
      if (cmp === 'is_empty') return (f?.needs ?? []).length === 0;
      if (!f) return false;
      return cmp === 'all' ? (v as string[]).every((n) => f.needs.includes(n)) : (v as string[]).some((n) => f.needs.includes(n));
    case 'facts.last_visit':
      return scalar(f?.lastVisit);
    case 'facts.visits_12m':
      return scalar(f?.visits);
    case 'facts.spend_12m':
      return scalar(f?.spend);
    case 'facts.repairs_6m':
      return scalar(f?.repairs);
    case 'facts.trade_in_score':
      return scalar(f?.tradeInScore);
    case 'facts.trade_in_candidate':
      return bool(f?.candidate);
    case 'facts.trade_in_intent':
      return bool(f?.intent);
    case 'facts.next_maintenance_due':
      return scalar(f?.nextMaint);
    case 'facts.insurance_expiry':
      return scalar(f?.insurance);
    case 'facts.days_to_insurance_expiry':
      return scalar(f?.insurance ? days(TODAY, f.insurance) : null);
    case 'facts.estimated_mileage':
      return scalar(f?.estKm);
    case 'facts.vehicle_count':
      return scalar(f?.vehicleCount);
    case 'customer.store':
      return scalar(r.storeId);
    case 'customer.gender':
      return scalar(r.gender);
    case 'customer.age':
      return scalar(r.birthday ? age(r.birthday) : null);
    case 'customer.birthday_month':
      return scalar(r.birthday ? Number(r.birthday.slice(5, 7)) : null);
    case 'customer.birthday':
      return scalar(r.birthday);
    case 'customer.city':
      return scalar(r.city);
    case 'customer.occupation':
      return scalar(r.occupation);
    case 'customer.source_channel':
      return scalar(r.source);
    case 'customer.created':
      return scalar(r.createdDay);
    case 'customer.consultant':
      return scalar(r.consultant);
    case 'customer.advisor':
      return scalar(r.advisor);
    case 'customer.wechat_bound':
      return bool(r.wechat);
    case 'consent.sms_marketing':
      return bool(r.consents.has('sms'));
    case 'consent.wechat_marketing':
      return bool(r.consents.has('wechat'));
    case 'tags':
      return cmp === 'all' ? (v as string[]).every((t) => r.tags.has(t)) : (v as string[]).some((t) => r.tags.has(t));
    case 'vehicle.model':
      return anyVehicle((x) => x.modelId);
    case 'vehicle.body_type':
      return anyVehicle((x) => x.bodyType);
    case 'vehicle.powertrain':
      return anyVehicle((x) => x.powertrain);
    case 'vehicle.purchase_date':
      return anyVehicle((x) => x.purchase);
    case 'vehicle.age_years':
      return anyVehicle((x) => (x.base ? days(x.base, TODAY) / 365.25 : null));
    case 'vehicle.plate':
      return anyVehicle((x) => x.plate);
    case 'vehicle.insurance_expiry':
      return anyVehicle((x) => x.insurance);
    case 'vehicle.warranty_end':
      return anyVehicle((x) => x.warranty);
    case 'vehicle.estimated_mileage':
      return anyVehicle((x) => x.estKm);
    case 'vehicle.next_maintenance_due':
      return anyVehicle((x) => x.nextMaint);
    case 'ro.kind':
      return r.ros.some((ro) => (v as string[]).includes(ro.kind) && inPeriod(ro.day, c.period));
    case 'ro.count':
      return cmpScalar(r.ros.filter((ro) => (!c.kinds?.length || c.kinds.includes(ro.kind)) && inPeriod(ro.day, c.period)).length, cmp, v);
    case 'behaviour.kind':
      return r.behaviour.some((b) => (v as string[]).includes(b.kind) && inPeriod(b.day, c.period));
    default:
      throw new Error(`evaluator has no field ${c.field}`);
  }
}

function evaluate(r: Row, n: TRuleNode): boolean {
  if ('op' in n) {
    if (n.op === 'not') return !evaluate(r, n.children[0]!);
    if (n.op === 'and') return n.children.every((c) => evaluate(r, c));
    return n.children.some((c) => evaluate(r, c));
  }
  const pos = NEG[n.cmp];
  return pos ? !positive(r, n, pos) : positive(r, n, n.cmp);
}

// ---------------------------------------------------------------------------------------------------------------
// Random rules
// ---------------------------------------------------------------------------------------------------------------

const rel = (direction: 'past' | 'next') =>
  fc.record({ direction: fc.constant(direction), amount: fc.integer({ min: 0, max: 40 }), unit: fc.constantFrom('day' as const, 'month' as const, 'year' as const) }).map((relative) => ({ relative }));
const anyRel = fc.oneof(rel('past'), rel('next'));
const absDate = fc.integer({ min: -3000, max: 400 }).map((d) => addDays(TODAY, d));
const dateValue = fc.oneof(absDate, anyRel);

function dateCond(field: string, withEmpty = true, withWithin = true) {
  const cmps: TCmp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'];
  // Two absolute dates come in order (the validator refuses a reversed range); a relative end may fall either side.
  const pair = fc.tuple(dateValue, dateValue).map(([a, b]) => (typeof a === 'string' && typeof b === 'string' && a > b ? [b, a] : [a, b]));
  return fc.oneof(
    fc.record({ field: fc.constant(field), cmp: fc.constantFrom(...cmps), value: dateValue }),
    fc.record({ field: fc.constant(field), cmp: fc.constant<TCmp>('between'), value: pair }),
    ...(withWithin ? [fc.record({ field: fc.constant(field), cmp: fc.constantFrom<TCmp>('within', 'not_within'), value: anyRel })] : []),
    ...(withEmpty ? [fc.record({ field: fc.constant(field), cmp: fc.constantFrom<TCmp>('is_empty', 'is_not_empty') })] : []),
  );
}
function numCond(field: string, lo: number, hi: number, opts: { empty?: boolean; float?: boolean } = {}) {
  const n = opts.float ? fc.double({ min: lo, max: hi, noNaN: true }).map((x) => Math.round(x * 100) / 100) : fc.integer({ min: lo, max: hi });
  return fc.oneof(
    fc.record({ field: fc.constant(field), cmp: fc.constantFrom<TCmp>('eq', 'ne', 'gt', 'gte', 'lt', 'lte'), value: n }),
    fc.record({ field: fc.constant(field), cmp: fc.constant<TCmp>('between'), value: fc.tuple(n, n).map(([a, b]) => (a <= b ? [a, b] : [b, a])) }),
    ...(opts.float ? [] : [fc.record({ field: fc.constant(field), cmp: fc.constantFrom<TCmp>('in', 'not_in'), value: fc.uniqueArray(n, { minLength: 1, maxLength: 4 }) })]),
    ...(opts.empty ? [fc.record({ field: fc.constant(field), cmp: fc.constantFrom<TCmp>('is_empty', 'is_not_empty') })] : []),
  );
}
function enumCond(field: string, values: () => readonly string[], opts: { empty?: boolean } = {}) {
  const one = fc.constant(null).chain(() => fc.constantFrom(...values()));
  return fc.oneof(
    fc.record({ field: fc.constant(field), cmp: fc.constantFrom<TCmp>('eq', 'ne'), value: one }),
    fc.record({ field: fc.constant(field), cmp: fc.constantFrom<TCmp>('in', 'not_in'), value: fc.uniqueArray(one, { minLength: 1, maxLength: 3 }) }),
    ...(opts.empty ? [fc.record({ field: fc.constant(field), cmp: fc.constantFrom<TCmp>('is_empty', 'is_not_empty') })] : []),
  );
}
const textCond = (field: string, values: () => readonly string[]) => {
  const one = fc.constant(null).chain(() => fc.oneof(fc.constantFrom(...values()), fc.constantFrom(...values()).map((s) => s.slice(0, 1))));
  return fc.oneof(
    fc.record({ field: fc.constant(field), cmp: fc.constantFrom<TCmp>('eq', 'ne', 'contains', 'not_contains', 'starts_with'), value: one }),
    fc.record({ field: fc.constant(field), cmp: fc.constantFrom<TCmp>('in', 'not_in'), value: fc.uniqueArray(one, { minLength: 1, maxLength: 3 }) }),
    fc.record({ field: fc.constant(field), cmp: fc.constantFrom<TCmp>('is_empty', 'is_not_empty') }),
  );
};
const boolCond = (field: string) => fc.record({ field: fc.constant(field), cmp: fc.constant<TCmp>('eq'), value: fc.boolean() });
const vals = (list: readonly { value: string }[]) => () => list.map((x) => x.value);
const period = fc.option(rel('past'), { nil: undefined });
const RO = ['first_service', 'maintenance', 'repair', 'warranty', 'accident', 'recall', 'inspection'];

const leafArb: fc.Arbitrary<TRuleCondition> = fc.oneof(
  enumCond('facts.lifecycle_stage', vals(LIFECYCLE_STAGES)),
  enumCond('facts.value_tier', vals(VALUE_TIERS)),
  enumCond('facts.churn_risk', vals(CHURN_RISKS)),
  fc.oneof(
    fc.record({ field: fc.constant('facts.needs'), cmp: fc.constantFrom<TCmp>('in', 'not_in', 'all'), value: fc.uniqueArray(fc.constantFrom(...NEEDS.map((n) => n.value)), { minLength: 1, maxLength: 3 }) }),
    fc.record({ field: fc.constant('facts.needs'), cmp: fc.constantFrom<TCmp>('is_empty', 'is_not_empty') }),
  ),
  dateCond('facts.last_visit'),
  numCond('facts.visits_12m', 0, 4),
  numCond('facts.spend_12m', 0, 1_500_000),
  numCond('facts.repairs_6m', 0, 3),
  numCond('facts.trade_in_score', 0, 100),
  boolCond('facts.trade_in_candidate'),
  boolCond('facts.trade_in_intent'),
  dateCond('facts.next_maintenance_due'),
  dateCond('facts.insurance_expiry'),
  numCond('facts.days_to_insurance_expiry', -400, 400, { empty: true }),
  numCond('facts.estimated_mileage', 0, 200_000, { empty: true }),
  numCond('facts.vehicle_count', 0, 3),
  enumCond('customer.store', () => pools.stores),
  enumCond('customer.gender', () => ['male', 'female', 'unknown']),
  numCond('customer.age', 18, 80, { empty: true }),
  numCond('customer.birthday_month', 1, 12),
  dateCond('customer.birthday', true, false),
  textCond('customer.city', () => pools.cities),
  textCond('customer.source_channel', () => pools.sources),
  dateCond('customer.created', false),
  enumCond('customer.consultant', () => pools.consultants, { empty: true }),
  boolCond('customer.wechat_bound'),
  boolCond('consent.sms_marketing'),
  boolCond('consent.wechat_marketing'),
  fc.record({ field: fc.constant('tags'), cmp: fc.constantFrom<TCmp>('in', 'all', 'not_in'), value: fc.constant(null).chain(() => fc.uniqueArray(fc.constantFrom(...pools.tags), { minLength: 1, maxLength: 3 })) }),
  enumCond('vehicle.model', () => pools.models),
  enumCond('vehicle.body_type', () => ['suv', 'sedan', 'mpv']),
  enumCond('vehicle.powertrain', () => ['ice', 'hev', 'phev', 'bev']),
  dateCond('vehicle.purchase_date', false),
  fc.record({ field: fc.constant('vehicle.age_years'), cmp: fc.constantFrom<TCmp>('gt', 'gte', 'lt', 'lte'), value: fc.integer({ min: 0, max: 1000 }).map((x) => x / 100) }),
  fc.record({ field: fc.constant('vehicle.plate'), cmp: fc.constantFrom<TCmp>('starts_with', 'contains', 'not_contains'), value: fc.constant(null).chain(() => fc.constantFrom(...pools.plates)) }),
  dateCond('vehicle.insurance_expiry', false),
  dateCond('vehicle.warranty_end', false),
  fc.record({ field: fc.constant('vehicle.estimated_mileage'), cmp: fc.constantFrom<TCmp>('gt', 'gte', 'lt', 'lte'), value: fc.integer({ min: 0, max: 200_000 }) }),
  dateCond('vehicle.next_maintenance_due', false),
  fc.record({ field: fc.constant('ro.kind'), cmp: fc.constantFrom<TCmp>('in', 'not_in'), value: fc.uniqueArray(fc.constantFrom(...RO), { minLength: 1, maxLength: 3 }), period }),
  fc.record({
    field: fc.constant('ro.count'),
    cmp: fc.constantFrom<TCmp>('eq', 'ne', 'gt', 'gte', 'lt', 'lte'),
    value: fc.integer({ min: 0, max: 8 }),
    period,
    kinds: fc.option(fc.uniqueArray(fc.constantFrom(...RO), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  }),
  fc.record({ field: fc.constant('behaviour.kind'), cmp: fc.constantFrom<TCmp>('in', 'not_in'), value: fc.uniqueArray(fc.constantFrom(...BEHAVIOUR_KINDS.map((b) => b.value)), { minLength: 1, maxLength: 2 }), period }),
).map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as TRuleCondition);

const ruleArb: fc.Arbitrary<TRuleNode> = fc.letrec<{ node: TRuleNode; group: TRuleNode }>((tie) => ({
  node: fc.oneof({ maxDepth: 3, depthIdentifier: 'rule' }, leafArb, tie('group')),
  group: fc.oneof(
    fc.record({ op: fc.constantFrom('and' as const, 'or' as const), children: fc.array(tie('node'), { minLength: 0, maxLength: 3, depthIdentifier: 'rule' }) }),
    tie('node').map((child) => ({ op: 'not' as const, children: [child] })),
  ),
})).node;

async function sqlMatches(rule: TRuleNode): Promise<Set<string>> {
  const x = { today: TODAY, timeZone: TZ };
  const res = await env.ctx.db.execute<{ id: string }>(sql`select f.customer_id as id from ${SEGMENT_FROM} where c.status = 'active' and ${compileRule(rule, x)}`);
  // The count takes its own path (customer_facts alone when it can): it must agree with the list.
  const n = (await env.ctx.db.execute<{ n: number }>(segmentCountSql(rule, x, sql`true`))).rows[0]!.n;
  expect(n).toBe(res.rows.length);
  return new Set(res.rows.map((r) => r.id));
}
/** Members: active customers with facts (every active customer has them within a minute of being created). */
const jsMatches = (rule: TRuleNode) => new Set(rows.filter((r) => r.status === 'active' && r.facts && evaluate(r, rule)).map((r) => r.id));

describe('compileRule', () => {
  it('has data to chew on', () => {
    expect(rows.length).toBeGreaterThan(200);
    expect(rows.filter((r) => r.facts).length).toBeGreaterThan(200);
    expect(pools.tags.length).toBeGreaterThan(3);
    expect(rows.some((r) => r.vehicles.length > 1)).toBe(true);
    expect(rows.some((r) => r.behaviour.length > 0)).toBe(true);
  });

  it('every field alone agrees with the in-memory evaluation', async () => {
    await fc.assert(
      fc.asyncProperty(leafArb, async (cond) => {
        expect(ZSegmentRule.safeParse(cond).success).toBe(true);
        expect([...(await sqlMatches(cond))].sort()).toEqual([...jsMatches(cond)].sort());
      }),
      { numRuns: 400, seed: 20261123 },
    );
  });

  it('random trees with AND / OR / NOT agree with the in-memory evaluation', async () => {
    let nonTrivial = 0;
    await fc.assert(
      fc.asyncProperty(ruleArb, async (rule) => {
        const parsed = ZSegmentRule.safeParse(rule);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        const js = jsMatches(rule);
        if (js.size > 0 && js.size < rows.length - 1) nonTrivial++;
        expect([...(await sqlMatches(rule))].sort()).toEqual([...js].sort());
      }),
      { numRuns: 300, seed: 7 },
    );
    // The generator must produce rules that split the customers, or agreement proves little.
    expect(nonTrivial).toBeGreaterThan(100);
  });

  it('a NOT over a missing value is true: a customer who never visited has not visited in the last 12 months', async () => {
    const rule: TRuleNode = { op: 'not', children: [{ field: 'facts.last_visit', cmp: 'within', value: { relative: { direction: 'past', amount: 12, unit: 'month' } } }] };
    const never = rows.filter((r) => r.status === 'active' && r.facts && r.facts.lastVisit === null).map((r) => r.id);
    expect(never.length).toBeGreaterThan(5);
    const got = await sqlMatches(rule);
    for (const id of never) expect(got.has(id)).toBe(true);
  });

  it('customers without facts yet, and merged ones, are in no segment', async () => {
    const outside = rows.filter((r) => r.status !== 'active' || !r.facts).map((r) => r.id);
    expect(outside.length).toBe(6);
    const all = await sqlMatches({ op: 'and', children: [] });
    for (const id of outside) expect(all.has(id)).toBe(false);
    expect(all.size).toBe(rows.length - 6);
  });
});
