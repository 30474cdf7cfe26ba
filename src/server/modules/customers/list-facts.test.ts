/**
 * The customer list's filters on derived facts (`GET /customers?lifecycleStage=…&tradeInScoreMin=…`): validation,
 * the facts carried by each row, and a property test that the list filtered by any combination of fact filters
 * (alone, or with a tag filter and a store scope, so both the facts id set driving the page and the facts semi-join
 * testing each row are exercised) returns exactly the active customers whose facts match, evaluated here in plain
 * JavaScript from the contract's wording.
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHURN_RISKS, LIFECYCLE_STAGES, NEEDS, VALUE_TIERS } from '../../../contracts/facts.js';
import { seedDemo } from '../../seed/demo.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { addDays, localDate } from '../segments/rules.js';

const TODAY = '2026-11-23';
const TZ = 'Asia/Shanghai';
let env: TestEnv;
const h: Record<string, Record<string, string>> = {};

interface Row {
  id: string;
  storeId: string;
  active: boolean;
  tags: Set<string>;
  facts: null | { stage: string; tier: string; needs: string[]; churn: string; score: number; due: string | null; lastVisitDay: string | null };
}
let rows: Row[] = [];
let store1 = '';
let tagIds: string[] = [];
let lastVisitDays: string[] = [];

type TFilters = {
  lifecycleStage?: string[];
  valueTier?: string[];
  needs?: string[];
  churnRisk?: string[];
  tradeInScoreMin?: number;
  maintenanceDueInDays?: number;
  lastVisitBefore?: string;
  tagId?: string;
};

const vals = (list: readonly { value: string }[]) => list.map((x) => x.value);

/** The filters' meaning, written from the contract (ZCustomerListQuery), not from the SQL. */
function matches(r: Row, f: TFilters): boolean {
  if (!r.active) return false;
  if (f.tagId && !r.tags.has(f.tagId)) return false;
  const factFilters = ['lifecycleStage', 'valueTier', 'needs', 'churnRisk', 'tradeInScoreMin', 'maintenanceDueInDays', 'lastVisitBefore'] as const;
  if (!factFilters.some((k) => f[k] !== undefined)) return true;
  const x = r.facts;
  if (!x) return false;
  if (f.lifecycleStage && !f.lifecycleStage.includes(x.stage)) return false;
  if (f.valueTier && !f.valueTier.includes(x.tier)) return false;
  if (f.churnRisk && !f.churnRisk.includes(x.churn)) return false;
  if (f.needs && !f.needs.some((n) => x.needs.includes(n))) return false;
  if (f.tradeInScoreMin !== undefined && !(x.score >= f.tradeInScoreMin)) return false;
  if (f.maintenanceDueInDays !== undefined && !(x.due !== null && x.due >= TODAY && x.due <= addDays(TODAY, f.maintenanceDueInDays))) return false;
  if (f.lastVisitBefore !== undefined && !(x.lastVisitDay !== null && x.lastVisitDay < f.lastVisitBefore)) return false;
  return true;
}

function queryString(f: TFilters, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams(extra);
  for (const [k, v] of Object.entries(f)) if (v !== undefined) p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  return p.toString();
}

/** Every page of the list for a filter, as ids. */
async function listAll(user: string, f: TFilters, extra: Record<string, string> = {}): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const qs = queryString(f, { limit: '200', ...extra, ...(cursor ? { cursor } : {}) });
    const res = await env.app.inject({ method: 'GET', url: `/api/v1/customers?${qs}`, headers: h[user] });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const body = res.json() as { items: { id: string }[]; nextCursor: string | null };
    ids.push(...body.items.map((i) => i.id));
    if (!body.nextCursor) return ids;
    cursor = body.nextCursor;
  }
  throw new Error('more than 50 pages');
}

beforeAll(async () => {
  env = await createTestEnv({ now: '2026-11-23T02:00:00Z' });
  await seedDemo(env.ctx.db, { size: 240, seed: 11, asOf: TODAY });
  await env.ctx.services.segments.refreshFacts({ asOf: TODAY });
  // Customers without facts yet (created after the run) match no fact filter; a merged one is never listed.
  await env.ctx.db.execute(sql`delete from customer_facts where customer_id in (select id from customers order by id limit 4)`);
  await env.ctx.db.execute(sql`update customers set status = 'merged' where id = (select id from customers order by id desc limit 1)`);
  for (const u of ['admin', 'manager1', 'marketing1']) h[u] = await login(env.app, u);
  const q = async <T>(text: ReturnType<typeof sql>) => (await env.ctx.db.execute(text)).rows as T[];
  store1 = (await q<{ id: string }>(sql`select id from stores where code = 'BJ-LH'`))[0]!.id;
  const cs = await q<Record<string, unknown>>(sql`
    select c.id, c.store_id, c.status, f.customer_id as fid, f.lifecycle_stage, f.value_tier, f.needs, f.churn_risk, f.trade_in_score,
           f.next_maintenance_due_date::text as due, f.last_visit_at
    from customers c left join customer_facts f on f.customer_id = c.id`);
  const tagRows = await q<{ customer_id: string; tag_id: string }>(sql`select customer_id, tag_id from customer_tags`);
  const byCustomer = new Map<string, Set<string>>();
  for (const t of tagRows) byCustomer.set(t.customer_id, (byCustomer.get(t.customer_id) ?? new Set()).add(t.tag_id));
  rows = cs.map((c) => ({
    id: c['id'] as string,
    storeId: c['store_id'] as string,
    active: c['status'] === 'active',
    tags: byCustomer.get(c['id'] as string) ?? new Set(),
    facts: c['fid']
      ? {
          stage: c['lifecycle_stage'] as string,
          tier: c['value_tier'] as string,
          needs: c['needs'] as string[],
          churn: c['churn_risk'] as string,
          score: Number(c['trade_in_score']),
          due: c['due'] as string | null,
          lastVisitDay: c['last_visit_at'] ? localDate(new Date(c['last_visit_at'] as string), TZ) : null,
        }
      : null,
  }));
  tagIds = [...new Set(tagRows.map((t) => t.tag_id))];
  lastVisitDays = [...new Set(rows.map((r) => r.facts?.lastVisitDay).filter((d): d is string => !!d))].sort();
}, 120_000);
afterAll(() => env?.close());

describe('GET /customers fact filters', () => {
  it('the generated group is varied enough for the filters to mean something', () => {
    const withFacts = rows.filter((r) => r.facts);
    expect(new Set(withFacts.map((r) => r.facts!.stage)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(withFacts.map((r) => r.facts!.tier)).size).toBe(3);
    expect(withFacts.filter((r) => r.facts!.score >= 60).length).toBeGreaterThan(5);
    expect(withFacts.filter((r) => r.facts!.due && r.facts!.due >= TODAY && r.facts!.due <= addDays(TODAY, 60)).length).toBeGreaterThan(3);
    expect(tagIds.length).toBeGreaterThan(2);
  });

  it('answers 401 without a session', async () => {
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/customers?lifecycleStage=regular' })).statusCode).toBe(401);
  });

  it('rejects unknown values, out-of-range numbers and bad dates with 400 naming the parameter', async () => {
    for (const [qs, path] of [
      ['lifecycleStage=regular,veteran', 'querystring.lifecycleStage'],
      ['valueTier=', 'querystring.valueTier'],
      ['needs=family,pets', 'querystring.needs'],
      ['churnRisk=extreme', 'querystring.churnRisk'],
      ['tradeInScoreMin=101', 'querystring.tradeInScoreMin'],
      ['tradeInScoreMin=abc', 'querystring.tradeInScoreMin'],
      ['maintenanceDueInDays=-1', 'querystring.maintenanceDueInDays'],
      ['maintenanceDueInDays=9999', 'querystring.maintenanceDueInDays'],
      ['lastVisitBefore=2026-13-01', 'querystring.lastVisitBefore'],
    ] as const) {
      const res = await env.app.inject({ method: 'GET', url: `/api/v1/customers?${qs}`, headers: h['admin'] });
      expect(res.statusCode, qs).toBe(400);
      expect((res.json() as { errors: { path: string }[] }).errors.map((e) => e.path).some((p) => p.startsWith(path)), `${qs}: ${res.body}`).toBe(true);
    }
  });

  it('carries each row’s facts for the optional columns, and null for a customer without facts yet', async () => {
    const items: { id: string; facts: Record<string, unknown> | null }[] = [];
    for (let cursor = ''; ; ) {
      const res = await env.app.inject({ method: 'GET', url: `/api/v1/customers?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: h['admin'] });
      const body = res.json() as { items: typeof items; nextCursor: string | null };
      items.push(...body.items);
      if (!body.nextCursor) break;
      cursor = body.nextCursor;
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    let withFacts = 0;
    let without = 0;
    for (const it of items) {
      const r = byId.get(it.id)!;
      if (!r.facts) {
        expect(it.facts).toBeNull();
        without++;
        continue;
      }
      withFacts++;
      expect(it.facts).toMatchObject({ lifecycleStage: r.facts.stage, valueTier: r.facts.tier, needs: r.facts.needs, churnRisk: r.facts.churn, tradeInScore: r.facts.score, nextMaintenanceDueDate: r.facts.due });
    }
    expect(withFacts).toBeGreaterThan(100);
    expect(without).toBeGreaterThan(0);
  });

  it('a store user sees only their store’s matches; other stores’ customers never leak through the facts id set', async () => {
    const ids = await listAll('marketing1', { lifecycleStage: ['regular', 'replacement'] });
    const expected = rows.filter((r) => r.storeId === store1 && matches(r, { lifecycleStage: ['regular', 'replacement'] })).map((r) => r.id);
    expect(ids.sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(5);
  });

  it('keeps the chosen sort and pages without repeats under a fact filter', async () => {
    const ids = await listAll('admin', { valueTier: ['regular', 'potential'] }, { sort: 'name_asc', limit: '17' });
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(rows.filter((r) => matches(r, { valueTier: ['regular', 'potential'] })).map((r) => r.id).sort());
  });

  it('returns exactly the customers whose facts match, for any combination of filters (property)', async () => {
    const subset = (list: readonly { value: string }[]) => fc.option(fc.uniqueArray(fc.constantFrom(...vals(list)), { minLength: 1, maxLength: list.length }), { nil: undefined });
    const filters: fc.Arbitrary<TFilters> = fc.record(
      {
        lifecycleStage: subset(LIFECYCLE_STAGES),
        valueTier: subset(VALUE_TIERS),
        needs: subset(NEEDS),
        churnRisk: subset(CHURN_RISKS),
        tradeInScoreMin: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
        maintenanceDueInDays: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
        lastVisitBefore: fc.option(fc.constantFrom(...lastVisitDays, '2020-01-01', addDays(TODAY, 1)), { nil: undefined }),
        tagId: fc.option(fc.constantFrom(...tagIds), { nil: undefined, freq: 3 }),
      },
      { requiredKeys: [] },
    );
    const who = fc.constantFrom<['admin' | 'manager1', string | null]>(['admin', null], ['manager1', store1]);
    // With a tag filter too, the smaller of the two id sets drives the page and the other is tested per row, so runs
    // cover both the facts id set (`= any(array(…))`) and the facts semi-join.
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(filters, who, async (f, [user, scope]) => {
        const ids = await listAll(user, f);
        const expected = rows.filter((r) => (scope === null || r.storeId === scope) && matches(r, f)).map((r) => r.id);
        if (expected.length) nonEmpty++;
        expect(ids.sort()).toEqual(expected.sort());
      }),
      { numRuns: 60, seed: 20261123 },
    );
    // The property means little if nearly every generated filter matched nobody.
    expect(nonEmpty).toBeGreaterThan(15);
  }, 120_000);
});
