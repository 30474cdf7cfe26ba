import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { auditLog } from '../audit/schema.js';
import { insertCustomer, insertModel, insertRo, insertVehicle, tagCustomer } from './test-fixtures.js';

let env: TestEnv;
let org: SeededOrg;
let store1: string;
let store2: string;
const h: Record<string, Record<string, string>> = {};
/** Store 1: 3 regular owners of a luxury-free SUV (one tagged VIP, one with a recent repair), 2 prospects. Store 2: 2 regular owners. */
const ids = { regular1: [] as string[], prospects1: [] as string[], regular2: [] as string[] };
let vipTag: string;

const req = (user: string | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  env.app.inject({ method, url: `/api/v1${url}`, headers: user ? h[user] : {}, ...(payload ? { payload } : {}) });

const REGULAR = { field: 'facts.lifecycle_stage', cmp: 'eq', value: 'regular' };

beforeAll(async () => {
  env = await createTestEnv({ now: '2026-11-23T02:00:00Z' });
  org = await seedDemoOrg(env.ctx.db);
  [store1, store2] = org.stores.map((s) => s.id) as [string, string];
  const db = env.ctx.db;
  const model = await insertModel(db);
  for (const [storeId, list, n] of [
    [store1, ids.regular1, 3],
    [store2, ids.regular2, 2],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const c = await insertCustomer(db, { storeId, name: `车主${i}`, mobile: `+8613900${storeId === store1 ? 1 : 2}0000${i}`, city: '北京' });
      const v = await insertVehicle(db, c, { modelId: model.id, purchaseDate: '2024-10-01', deliveryDate: '2024-10-01', plate: '京A·1234' + i });
      if (i === 0) await insertRo(db, v, '2026-10-01', { kind: 'repair' });
      list.push(c.id);
    }
  }
  vipTag = (await tagCustomer(db, { id: ids.regular1[1]!, storeId: store1 }, 'VIP')).id;
  for (let i = 0; i < 2; i++) ids.prospects1.push((await insertCustomer(db, { storeId: store1, city: '天津' })).id);
  await env.ctx.services.segments.refreshFacts();
  for (const u of ['admin', 'manager1', 'manager2', 'sales1', 'marketing1', 'marketing2', 'cx1']) h[u] = await login(env.app, u);
});
afterAll(() => env.close());

describe('auth and validation', () => {
  it('answers 401 without a session', async () => {
    expect((await req(null, 'GET', '/segments/fields')).statusCode).toBe(401);
    expect((await req(null, 'POST', '/segments/preview', { rule: REGULAR })).statusCode).toBe(401);
    expect((await req(null, 'GET', `/customers/${ids.regular1[0]}/facts`)).statusCode).toBe(401);
  });

  it('a bad rule is a 400 naming the path of each bad node', async () => {
    const res = await req('marketing1', 'POST', '/segments/preview', {
      rule: {
        op: 'and',
        children: [
          REGULAR,
          { op: 'or', children: [{ field: 'facts.visits_12m', cmp: 'gte', value: 'many' }, { field: 'nope', cmp: 'eq', value: 1 }] },
          { op: 'not', children: [] },
          { field: 'facts.last_visit', cmp: 'within', value: '2026-01-01' },
          { field: 'facts.churn_risk', cmp: 'contains', value: 'high' },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const paths = (res.json().errors as { path: string; message: string }[]).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.rule.children.1.children.0.value', 'body.rule.children.1.children.1.field', 'body.rule.children.2.children', 'body.rule.children.3.value', 'body.rule.children.4.cmp']),
    );
    expect(paths).not.toContain('body.rule.children.0.value');
  });
});

describe('fields and preview', () => {
  it('lists the field catalogue with Chinese labels, comparators and options for the builder', async () => {
    const res = await req('sales1', 'GET', '/segments/fields');
    expect(res.statusCode).toBe(200);
    const stage = res.json().fields.find((f: { id: string }) => f.id === 'facts.lifecycle_stage');
    expect(stage).toMatchObject({ label: { zh: '生命周期阶段' }, type: 'enum' });
    expect(stage.options.map((o: { zh: string }) => o.zh)).toEqual(['潜在客户', '新购车主', '老客户', '置换客户']);
    const lastVisit = res.json().fields.find((f: { id: string }) => f.id === 'facts.last_visit');
    expect(lastVisit.cmps).toEqual(expect.arrayContaining([{ cmp: 'lt', zh: '早于', en: 'before' }, { cmp: 'within', zh: '在…之内', en: 'within' }]));
  });

  it('counts and samples in the user’s own store only', async () => {
    const own = await req('marketing1', 'POST', '/segments/preview', { rule: REGULAR });
    expect(own.statusCode).toBe(200);
    expect(own.json().count).toBe(3);
    expect(own.json().sample.map((c: { id: string }) => c.id).sort()).toEqual([...ids.regular1].sort());
    expect(own.json().sample[0].mobileMasked).toMatch(/^139\*{4}\d{4}$/);
    expect(own.json().asOf).toBe('2026-11-23');
    const group = await req('admin', 'POST', '/segments/preview', { rule: REGULAR });
    expect(group.json().count).toBe(5);
  });

  it('combines facts, tags, records and relative dates', async () => {
    const rule = {
      op: 'and',
      children: [
        REGULAR,
        { op: 'or', children: [{ field: 'tags', cmp: 'in', value: [vipTag] }, { field: 'ro.kind', cmp: 'in', value: ['repair'], period: { relative: { direction: 'past', amount: 3, unit: 'month' } } }] },
        { op: 'not', children: [{ field: 'vehicle.plate', cmp: 'starts_with', value: '津' }] },
      ],
    };
    const res = await req('marketing1', 'POST', '/segments/preview', { rule });
    expect(res.json().count).toBe(2);
    expect(res.json().sample.map((c: { id: string }) => c.id).sort()).toEqual([ids.regular1[0], ids.regular1[1]].sort());
  });
});

describe('saved segments', () => {
  let segId: string;
  let groupSeg: string;

  it('marketing saves a segment for its store, counted; the same name again is 409; sales may not save', async () => {
    const res = await req('marketing1', 'POST', '/segments', { name: '老客户', description: '车龄 1–3 年', rule: REGULAR });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: '老客户', storeId: store1, lastCount: 3, createdBy: { displayName: '杨帆' } });
    segId = res.json().id;
    expect((await req('marketing1', 'POST', '/segments', { name: '老客户', rule: REGULAR })).statusCode).toBe(409);
    expect((await req('sales1', 'POST', '/segments', { name: '销售的', rule: REGULAR })).statusCode).toBe(403);
    const bad = await req('marketing1', 'POST', '/segments', { name: 'x', rule: { op: 'and', children: [{ field: 'facts.value_tier', cmp: 'eq', value: 'gold' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('body.rule.children.0.value');
  });

  it('another store’s segment answers 404 (read, list, customers, export, change)', async () => {
    expect((await req('manager2', 'GET', `/segments/${segId}`)).statusCode).toBe(404);
    expect((await req('manager2', 'GET', `/segments/${segId}/customers`)).statusCode).toBe(404);
    expect((await req('marketing2', 'GET', `/segments/${segId}/export`)).statusCode).toBe(404);
    expect((await req('manager2', 'PATCH', `/segments/${segId}`, { name: '改名' })).statusCode).toBe(404);
    const list = await req('manager2', 'GET', '/segments');
    expect(list.json().items.map((s: { id: string }) => s.id)).not.toContain(segId);
  });

  it('a group-wide segment is visible to every store, counted in each user’s own store, changed only by group admins', async () => {
    const res = await req('admin', 'POST', '/segments', { name: '全集团老客户', rule: REGULAR });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ storeId: null, lastCount: 5 });
    groupSeg = res.json().id;
    const seen = await req('manager2', 'GET', `/segments/${groupSeg}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().lastCount).toBeNull();
    const theirs = await req('manager2', 'GET', `/segments/${groupSeg}/customers`);
    expect(theirs.json().items.map((c: { id: string }) => c.id).sort()).toEqual([...ids.regular2].sort());
    expect((await req('manager2', 'PATCH', `/segments/${groupSeg}`, { name: '改名' })).statusCode).toBe(403);
  });

  it('updates the rule and recounts; archiving hides it', async () => {
    const res = await req('manager1', 'PATCH', `/segments/${segId}`, { rule: { op: 'and', children: [REGULAR, { field: 'tags', cmp: 'not_in', value: [vipTag] }] } });
    expect(res.statusCode).toBe(200);
    expect(res.json().lastCount).toBe(2);
    const tmp = await req('marketing1', 'POST', '/segments', { name: '临时', rule: REGULAR });
    expect((await req('marketing1', 'DELETE', `/segments/${tmp.json().id}`)).statusCode).toBe(204);
    expect((await req('marketing1', 'GET', `/segments/${tmp.json().id}`)).statusCode).toBe(404);
  });

  it('pages through a segment’s customers with a cursor', async () => {
    const p1 = await req('admin', 'GET', `/segments/${groupSeg}/customers?limit=2`);
    expect(p1.statusCode).toBe(200);
    expect(p1.json().items).toHaveLength(2);
    const p2 = await req('admin', 'GET', `/segments/${groupSeg}/customers?limit=2&cursor=${p1.json().nextCursor}`);
    const p3 = await req('admin', 'GET', `/segments/${groupSeg}/customers?limit=2&cursor=${p2.json().nextCursor}`);
    expect(p3.json().nextCursor).toBeNull();
    const all = [...p1.json().items, ...p2.json().items, ...p3.json().items].map((c: { id: string }) => c.id);
    expect(new Set(all).size).toBe(5);
    expect((await req('admin', 'GET', `/segments/${groupSeg}/customers?cursor=bm9wZQ`)).statusCode).toBe(400);
  });

  it('exports to Excel with masked phones, audited with the count; roles without segments.export get 403', async () => {
    expect((await req('sales1', 'GET', `/segments/${groupSeg}/export`)).statusCode).toBe(403);
    expect((await req('cx1', 'GET', `/segments/${groupSeg}/export`)).statusCode).toBe(403);
    const res = await req('marketing1', 'GET', `/segments/${groupSeg}/export`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(decodeURIComponent(String(res.headers['content-disposition']))).toContain('客群-全集团老客户-2026-11-23.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(1).value).toBe('姓名');
    expect(ws.rowCount).toBe(4); // header + store 1's three regular owners
    const phones = [2, 3, 4].map((r) => String(ws.getRow(r).getCell(3).value));
    for (const p of phones) expect(p).toMatch(/^139\*{4}\d{4}$/);
    expect(ws.getRow(2).getCell(8).value).toBe('老客户');
    const audit = await env.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'segment.export'), eq(auditLog.entityId, groupSeg)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toMatchObject({ count: 3 });
  });
});

describe('GET /customers/{id}/facts', () => {
  it('returns the facts with labels and the vehicles’ facts', async () => {
    const res = await req('sales1', 'GET', `/customers/${ids.regular1[0]}/facts`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ lifecycleStage: 'regular', lifecycleStageLabel: '老客户', valueTier: 'regular', visits12m: 1, repairs6m: 1, asOf: '2026-11-23' });
    expect(res.json().vehicles).toHaveLength(1);
    expect(res.json().vehicles[0]).toMatchObject({ plate: '京A·12340', ageYears: 2.1, firstServiceDone: false, nextMaintenanceKind: 'first_service' });
  });

  it('answers 404 for a customer of another store', async () => {
    expect((await req('sales1', 'GET', `/customers/${ids.regular2[0]}/facts`)).statusCode).toBe(404);
  });

  it('computes the facts of a customer created since the last run', async () => {
    const c = await insertCustomer(env.ctx.db, { storeId: store1 });
    const res = await req('sales1', 'GET', `/customers/${c.id}/facts`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ lifecycleStage: 'prospect', vehicles: [] });
  });

  it('answers 422 rather than hanging while the daily run holds the facts lock', async () => {
    const c = await insertCustomer(env.ctx.db, { storeId: store1 });
    const holder = await env.ctx.database.pool.connect();
    try {
      await holder.query(`select pg_advisory_lock(hashtextextended('baoke.segments.facts', 0))`);
      const t0 = Date.now();
      const res = await req('sales1', 'GET', `/customers/${c.id}/facts`);
      expect(res.statusCode).toBe(422);
      expect(res.json().type).toContain('facts-busy');
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      await holder.query(`select pg_advisory_unlock(hashtextextended('baoke.segments.facts', 0))`);
      holder.release();
    }
    expect((await req('sales1', 'GET', `/customers/${c.id}/facts`)).statusCode).toBe(200);
  });

  it('is in the OpenAPI document', async () => {
    const paths = Object.keys((await env.app.inject({ url: '/api/docs/json' })).json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/customers/{id}/facts', '/api/v1/segments/preview', '/api/v1/segments/{id}/export', '/api/v1/segments/fields']));
  });
});

describe('settings', () => {
  it('store managers change their store’s thresholds, not the group’s; other roles may not', async () => {
    expect((await req('manager1', 'PUT', '/segments/settings', { overrides: { highValueSpendFen: 800_000 } })).statusCode).toBe(403);
    expect((await req('marketing1', 'PUT', '/segments/settings', { storeId: store1, overrides: { highValueSpendFen: 800_000 } })).statusCode).toBe(403);
    expect((await req('manager1', 'PUT', '/segments/settings', { storeId: store2, overrides: { highValueSpendFen: 800_000 } })).statusCode).toBe(404);
    const ok = await req('manager1', 'PUT', '/segments/settings', { storeId: store1, overrides: { highValueSpendFen: 800_000 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ storeId: store1, overrides: { highValueSpendFen: 800_000 }, effective: { highValueSpendFen: 800_000, tradeInAgeYears: 4 } });
    const bad = await req('admin', 'PUT', '/segments/settings', { overrides: { churnMediumDays: 400, churnHighDays: 300 } });
    expect(bad.statusCode).toBe(400);
  });
});
