import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeVin } from '../../../contracts/validators.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { auditLog } from '../audit/schema.js';
import { salesOrderMilestones, salesOrders } from '../sales/schema.js';
import { repairOrders, repairOrderStages } from '../service/schema.js';
import { vehicleModels, vehicles } from '../vehicles/schema.js';
import { behaviourEvents, customerConsents, customers, customerTags, interactions, tags } from './schema.js';

let env: TestEnv;
let org: SeededOrg;
const h: Record<string, Record<string, string>> = {};
let store1: string;
let store2: string;
let store3: string;

let seq = 0;
/** A fresh mainland mobile in E.164, never used before in this file. */
const newMobile = () => `+86139${String(10_000_000 + ++seq).slice(-8)}`;
/** A fresh VIN with a correct check digit. */
const newVin = () => completeVin('LSVAU233', String(20_000_000 + ++seq).slice(-8));
const staffId = (username: string) => org.staff.get(username)!.id;

const req = (user: string | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  env.app.inject({ method, url: `/api/v1${url}`, headers: user ? h[user] : {}, ...(payload ? { payload } : {}) });
const get = (user: string, url: string) => req(user, 'GET', url);
const post = (user: string, url: string, payload: object) => req(user, 'POST', url, payload);

async function insertCustomer(values: Partial<typeof customers.$inferInsert> & { storeId: string }) {
  const [c] = await env.ctx.db
    .insert(customers)
    .values({ name: `客户${++seq}`, mobile: newMobile(), ...values })
    .returning();
  return c!;
}

async function insertModel(series: string, name: string) {
  const [m] = await env.ctx.db
    .insert(vehicleModels)
    .values({ brand: '领航', series, name, bodyType: 'suv', powertrain: 'phev', seats: 5, minPriceFen: 18_000_000, maxPriceFen: 24_000_000, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 10_000 })
    .returning();
  return m!;
}

async function insertVehicle(customer: { id: string; storeId: string }, values: Partial<typeof vehicles.$inferInsert> = {}) {
  const [v] = await env.ctx.db
    .insert(vehicles)
    .values({ customerId: customer.id, storeId: customer.storeId, vin: newVin(), ...values })
    .returning();
  return v!;
}

const audits = (action: string, customerId: string) =>
  env.ctx.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.customerId, customerId)));

beforeAll(async () => {
  env = await createTestEnv();
  org = await seedDemoOrg(env.ctx.db);
  [store1, store2, store3] = org.stores.map((s) => s.id) as [string, string, string];
  for (const u of ['admin', 'manager1', 'sales1', 'service1', 'cx1', 'marketing1', 'sales2', 'manager2']) h[u] = await login(env.app, u);
});
afterAll(() => env.close());

describe('POST /customers', () => {
  it('answers 401 without a session', async () => {
    expect((await req(null, 'GET', '/customers')).statusCode).toBe(401);
    expect((await req(null, 'POST', '/customers', { name: '张三', mobile: '13800000000' })).statusCode).toBe(401);
  });

  it('creates a customer in the consultant’s own store, normalises the mobile, masks it and audits field names only', async () => {
    const res = await post('sales1', '/customers', {
      name: '  王小明 ',
      mobile: '138-0013-8000',
      gender: 'male',
      birthday: '1990-05-06',
      email: 'wxm@example.com',
      city: '北京',
      idNumber: '110101199003078515',
      salesConsultantId: staffId('sales1'),
      serviceAdvisorId: staffId('service1'),
      sourceChannel: '到店',
    });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({
      name: '王小明',
      storeId: store1,
      storeName: org.stores[0]!.name,
      mobileMasked: '138****8000',
      idNumberMasked: '110***********8515',
      salesConsultant: { id: staffId('sales1'), displayName: '张伟' },
      serviceAdvisor: { id: staffId('service1'), displayName: '孙丽' },
      status: 'active',
    });
    expect(res.body).not.toContain('13800138000');
    expect(res.body).not.toContain('199003078515');
    const [row] = await env.ctx.db.select().from(customers).where(eq(customers.id, c.id));
    expect(row!.mobile).toBe('+8613800138000');
    const [entry] = await audits('customer.create', c.id);
    expect(entry!.detail.fields).toEqual(expect.arrayContaining(['name', 'mobile', 'idNumber']));
    expect(JSON.stringify(entry!.detail)).not.toMatch(/13800138000|199003078515/);
  });

  it('rejects a bad mobile, a future birthday, a bad email and an unknown gender with 400 and the fields named', async () => {
    const bad = await post('sales1', '/customers', { name: '张三', mobile: '12345', email: 'not-an-email', gender: 'x' });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.mobile', 'body.email', 'body.gender']));
    // The test clock is 2026-11-23 (Beijing); the 24th has not come yet.
    const future = await post('sales1', '/customers', { name: '张三', mobile: newMobile(), birthday: '2026-11-24' });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors[0].path).toBe('body.birthday');
    expect((await post('sales1', '/customers', { name: '', mobile: newMobile() })).statusCode).toBe(400);
  });

  it('refuses a consultant or advisor who is not staff of the customer’s store', async () => {
    const res = await post('sales1', '/customers', { name: '张三', mobile: newMobile(), salesConsultantId: staffId('sales2') });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body.salesConsultantId');
  });

  it('forbids marketing (403); the group admin must name the store', async () => {
    expect((await post('marketing1', '/customers', { name: '张三', mobile: newMobile() })).statusCode).toBe(403);
    expect((await post('admin', '/customers', { name: '张三', mobile: newMobile() })).statusCode).toBe(403);
    const ok = await post('admin', '/customers', { name: '张三', mobile: newMobile(), storeId: store2 });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().storeId).toBe(store2);
    expect((await post('sales1', '/customers', { name: '张三', mobile: newMobile(), storeId: store2 })).statusCode).toBe(403);
  });

  it('answers 409 naming the existing customer for a duplicate mobile in any format, across stores', async () => {
    const first = await post('sales1', '/customers', { name: '赵六', mobile: '13911112222' });
    expect(first.statusCode).toBe(201);
    const dup = await post('sales2', '/customers', { name: '赵六六', mobile: '+86 139 1111 2222' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().existing).toEqual({ type: 'customer', id: first.json().id, label: '赵六' });
  });

  it('lets exactly one of simultaneous creates with the same mobile win; the others get 409', async () => {
    // Warm the pool so the requests really overlap (a cold pool serialises them on its first connection).
    await Promise.all(Array.from({ length: 8 }, () => env.ctx.db.execute(sql`select pg_sleep(0.05)`)));
    const mobile = newMobile();
    const results = await Promise.all([
      post('sales1', '/customers', { name: '并发甲', mobile }),
      post('manager1', '/customers', { name: '并发乙', mobile }),
      post('service1', '/customers', { name: '并发丙', mobile }),
    ]);
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 409, 409]);
    const winner = results.find((r) => r.statusCode === 201)!.json();
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().existing.id).toBe(winner.id);
    const rows = await env.ctx.db.select().from(customers).where(eq(customers.mobile, mobile));
    expect(rows).toHaveLength(1);
  });
});

describe('GET/PATCH /customers/{id}, reveal', () => {
  it('hides another store’s customer (404) from read, update and reveal', async () => {
    const c = await insertCustomer({ storeId: store1 });
    expect((await get('sales2', `/customers/${c.id}`)).statusCode).toBe(404);
    expect((await req('sales2', 'PATCH', `/customers/${c.id}`, { city: '天津' })).statusCode).toBe(404);
    expect((await post('sales2', `/customers/${c.id}/reveal`, { field: 'mobile' })).statusCode).toBe(404);
    expect((await get('sales1', `/customers/${c.id}`)).statusCode).toBe(200);
    expect((await get('admin', `/customers/${c.id}`)).statusCode).toBe(200);
    expect((await get('sales1', '/customers/00000000-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await get('sales1', '/customers/not-a-uuid')).statusCode).toBe(400);
  });

  it('updates fields, audits their names only, and keeps mobiles unique', async () => {
    const c = await insertCustomer({ storeId: store1 });
    const other = await insertCustomer({ storeId: store1 });
    const res = await req('service1', 'PATCH', `/customers/${c.id}`, { city: '北京', mobile: '13722223333', idNumber: 'e1234567' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ city: '北京', mobileMasked: '137****3333', idNumberMasked: '******67' });
    const [entry] = await audits('customer.update', c.id);
    expect((entry!.detail.fields as string[]).sort()).toEqual(['city', 'idNumber', 'mobile']);
    expect(JSON.stringify(entry!.detail)).not.toMatch(/13722223333|E1234567/);
    const dup = await req('service1', 'PATCH', `/customers/${c.id}`, { mobile: other.mobile! });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().existing.id).toBe(other.id);
    // Sending the customer's own number again is no change and no conflict.
    expect((await req('service1', 'PATCH', `/customers/${c.id}`, { mobile: '137 2222 3333' })).statusCode).toBe(200);
    expect((await req('service1', 'PATCH', `/customers/${c.id}`, { birthday: '2030-01-01' })).statusCode).toBe(400);
    expect((await req('marketing1', 'PATCH', `/customers/${c.id}`, { city: '上海' })).statusCode).toBe(403);
  });

  it('moves a customer to another store (group admin only) together with their vehicles and tags', async () => {
    const c = await insertCustomer({ storeId: store1, salesConsultantId: staffId('sales1') });
    const v = await insertVehicle(c, { plate: '京A·Z0001' });
    const [t] = await env.ctx.db.insert(tags).values({ name: '转店测试' }).returning();
    await env.ctx.db.insert(customerTags).values({ customerId: c.id, tagId: t!.id, storeId: store1 });
    expect((await req('manager1', 'PATCH', `/customers/${c.id}`, { storeId: store2 })).statusCode).toBe(403);
    // Their consultant works in store 1: the move must name one of store 2.
    const bad = await req('admin', 'PATCH', `/customers/${c.id}`, { storeId: store2 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('body.salesConsultantId');
    const res = await req('admin', 'PATCH', `/customers/${c.id}`, { storeId: store2, salesConsultantId: staffId('sales2') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ storeId: store2, salesConsultant: { id: staffId('sales2') } });
    expect((await get('sales1', `/customers/${c.id}`)).statusCode).toBe(404);
    expect((await get('sales2', `/customers/${c.id}`)).statusCode).toBe(200);
    const [moved] = await env.ctx.db.select().from(vehicles).where(eq(vehicles.id, v.id));
    expect(moved!.storeId).toBe(store2);
    expect((await get('sales2', `/customers?tagId=${t!.id}`)).json().items.map((i: { id: string }) => i.id)).toEqual([c.id]);
    expect(await audits('customer.update', c.id)).toEqual([expect.objectContaining({ detail: { fields: ['storeId', 'salesConsultantId'] } })]);
  });

  it('reveals one full value to permitted roles and writes customer.reveal to the audit log', async () => {
    const c = await insertCustomer({ storeId: store1, mobile: '+8613655556666', idNumber: '110101199003078515' });
    expect((await get('sales1', `/customers/${c.id}`)).json().customer.mobileMasked).toBe('136****6666');
    const res = await post('cx1', `/customers/${c.id}/reveal`, { field: 'mobile' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ value: '+8613655556666' });
    expect((await post('sales1', `/customers/${c.id}/reveal`, { field: 'idNumber' })).json()).toEqual({ value: '110101199003078515' });
    const entries = await audits('customer.reveal', c.id);
    expect(entries.map((e) => [e.actorStaffId, e.detail.field]).sort()).toEqual(
      [
        [staffId('cx1'), 'mobile'],
        [staffId('sales1'), 'idNumber'],
      ].sort(),
    );
    expect((await post('marketing1', `/customers/${c.id}/reveal`, { field: 'mobile' })).statusCode).toBe(403);
    expect((await post('sales1', `/customers/${c.id}/reveal`, { field: 'email' })).statusCode).toBe(400);
    expect(await audits('customer.reveal', c.id)).toHaveLength(2);
  });
});

describe('consents, tags, interactions, behaviour', () => {
  it('records a consent with its source and recorder, replaces it on the next answer, and audits both', async () => {
    const c = await insertCustomer({ storeId: store1 });
    const url = `/customers/${c.id}/consents/sms/marketing`;
    const first = await req('cx1', 'PUT', url, { granted: true, source: '到店签字' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ channel: 'sms', purpose: 'marketing', granted: true, source: '到店签字', recordedBy: { id: staffId('cx1') } });
    const second = await req('sales1', 'PUT', url, { granted: false, source: '电话退订' });
    expect(second.json()).toMatchObject({ granted: false, recordedBy: { id: staffId('sales1') } });
    const v = (await get('sales1', `/customers/${c.id}`)).json();
    expect(v.consents).toEqual([expect.objectContaining({ channel: 'sms', purpose: 'marketing', granted: false, source: '电话退订' })]);
    expect(await audits('customer.consent', c.id)).toHaveLength(2);
    expect((await req('sales1', 'PUT', url, { granted: true })).statusCode).toBe(400);
    expect((await req('sales1', 'PUT', `/customers/${c.id}/consents/fax/marketing`, { granted: true, source: 'x' })).statusCode).toBe(400);
    expect((await req('marketing1', 'PUT', url, { granted: true, source: 'x' })).statusCode).toBe(403);
    expect((await req('sales2', 'PUT', url, { granted: true, source: 'x' })).statusCode).toBe(404);
  });

  it('manages the tag library and a customer’s tags (by id or by a new name)', async () => {
    const c = await insertCustomer({ storeId: store1 });
    const t = await post('marketing1', '/tags', { name: '关注智能驾驶', color: 'geekblue' });
    expect(t.statusCode).toBe(201);
    const dup = await post('sales1', '/tags', { name: '关注智能驾驶' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().existing.id).toBe(t.json().id);
    expect((await get('cx1', '/tags')).json().items).toEqual(expect.arrayContaining([expect.objectContaining({ name: '关注智能驾驶', color: 'geekblue', kind: 'manual' })]));

    expect((await post('sales1', `/customers/${c.id}/tags`, { tagId: t.json().id })).statusCode).toBe(201);
    const byName = await post('sales1', `/customers/${c.id}/tags`, { name: '宝妈' });
    expect(byName.statusCode).toBe(201);
    expect((await get('sales1', '/tags')).json().items.map((x: { name: string }) => x.name)).toContain('宝妈');
    // Adding again is harmless.
    expect((await post('sales1', `/customers/${c.id}/tags`, { name: '宝妈' })).statusCode).toBe(201);
    expect((await get('sales1', `/customers/${c.id}`)).json().tags.map((x: { name: string }) => x.name)).toEqual(['关注智能驾驶', '宝妈'].sort());

    expect((await req('sales1', 'DELETE', `/customers/${c.id}/tags/${byName.json().id}`)).statusCode).toBe(200);
    expect((await get('sales1', `/customers/${c.id}`)).json().tags.map((x: { name: string }) => x.name)).toEqual(['关注智能驾驶']);
    expect((await post('sales1', `/customers/${c.id}/tags`, {})).statusCode).toBe(400);
    expect((await post('sales2', `/customers/${c.id}/tags`, { name: '宝妈' })).statusCode).toBe(404);
    expect(await audits('customer.tag.add', c.id)).toHaveLength(2);
    expect(await audits('customer.tag.remove', c.id)).toHaveLength(1);
  });

  it('logs an interaction by the acting staff member; refuses one in the future and roles without the right', async () => {
    const c = await insertCustomer({ storeId: store1 });
    const res = await post('service1', `/customers/${c.id}/interactions`, { kind: 'call', summary: '提醒首保，约周六上午', outcome: '已预约' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'call', direction: 'outbound', outcome: '已预约', staff: { id: staffId('service1'), displayName: '孙丽' } });
    expect(new Date(res.json().occurredAt).toISOString()).toBe(env.clock.now().toISOString());
    expect((await post('service1', `/customers/${c.id}/interactions`, { kind: 'call', summary: 'x', occurredAt: '2027-01-01T00:00:00Z' })).statusCode).toBe(400);
    expect((await post('service1', `/customers/${c.id}/interactions`, { kind: 'fax', summary: 'x' })).statusCode).toBe(400);
    expect((await post('marketing1', `/customers/${c.id}/interactions`, { kind: 'note', summary: 'x' })).statusCode).toBe(403);
  });

  it('records behaviour events for marketing, not for sales', async () => {
    const c = await insertCustomer({ storeId: store1 });
    const res = await post('marketing1', `/customers/${c.id}/behaviour-events`, { kind: 'loan.calculated', payload: { priceFen: 20_000_000, termMonths: 36 } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'loan.calculated', payload: { termMonths: 36 } });
    expect((await post('sales1', `/customers/${c.id}/behaviour-events`, { kind: 'model.viewed' })).statusCode).toBe(403);
    expect((await post('marketing1', `/customers/${c.id}/behaviour-events`, { kind: 'Not A Kind' })).statusCode).toBe(400);
  });
});

describe('the 360 view and its timeline', () => {
  it('returns every part and merges the timeline newest first across kinds', async () => {
    const c = await insertCustomer({ storeId: store1, createdAt: new Date('2024-01-01T00:00:00Z'), sourceChannel: '汽车之家' });
    const model = await insertModel('L7', '2024款 Pro');
    const v = await insertVehicle(c, { plate: '京A·T3601', modelId: model.id, purchaseDate: '2024-02-01' });
    const db = env.ctx.db;
    const [so] = await db
      .insert(salesOrders)
      .values({ orderNo: `SO-${++seq}`, customerId: c.id, storeId: store1, vehicleId: v.id, modelId: model.id, priceFen: 20_980_000, orderedAt: new Date('2024-01-10T02:00:00Z'), consultantId: staffId('sales1') })
      .returning();
    await db.insert(salesOrderMilestones).values([
      { orderId: so!.id, customerId: c.id, storeId: store1, milestone: 'ordered', at: new Date('2024-01-10T02:00:00Z') },
      { orderId: so!.id, customerId: c.id, storeId: store1, milestone: 'delivered', at: new Date('2024-02-01T06:00:00Z') },
    ]);
    const [ro] = await db
      .insert(repairOrders)
      .values({ roNo: `RO-${++seq}`, customerId: c.id, storeId: store1, vehicleId: v.id, kind: 'first_service', labourFen: 30_000, partsFen: 50_000, openedAt: new Date('2024-08-01T01:00:00Z'), advisorId: staffId('service1') })
      .returning();
    await db.insert(repairOrderStages).values({ roId: ro!.id, customerId: c.id, storeId: store1, stage: 'qc', at: new Date('2024-08-01T05:00:00Z') });
    await db.insert(interactions).values({ customerId: c.id, storeId: store1, staffId: staffId('service1'), kind: 'call', occurredAt: new Date('2024-07-25T03:00:00Z'), summary: '首保提醒' });
    await db.insert(behaviourEvents).values({ customerId: c.id, storeId: store1, kind: 'valuation.requested', occurredAt: new Date('2025-03-01T00:00:00Z') });

    const res = await get('sales1', `/customers/${c.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.vehicles).toEqual([expect.objectContaining({ id: v.id, plate: '京A·T3601', modelName: 'L7 2024款 Pro', brand: '领航', purchaseDate: '2024-02-01' })]);
    expect(body.salesOrders).toEqual([expect.objectContaining({ id: so!.id, priceFen: 20_980_000, consultant: { id: staffId('sales1'), displayName: '张伟' }, milestones: [expect.objectContaining({ milestone: 'ordered' }), expect.objectContaining({ milestone: 'delivered' })] })]);
    expect(body.repairOrders).toEqual([expect.objectContaining({ id: ro!.id, totalFen: 80_000, plate: '京A·T3601', stages: [expect.objectContaining({ stage: 'qc' })] })]);
    expect(body.interactions).toHaveLength(1);
    expect(body.behaviourEvents).toHaveLength(1);
    expect(body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['behaviour', 'ro_stage', 'repair_order', 'interaction', 'milestone', 'milestone', 'sales_order', 'created']);
    const ats = body.timeline.map((e: { at: string }) => e.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    expect(body.timeline.find((e: { kind: string }) => e.kind === 'repair_order')).toMatchObject({ refId: ro!.id, detail: '¥800.00' });
    expect(body.timeline.at(-1)).toMatchObject({ kind: 'created', detail: '来源 / Source: 汽车之家' });
  });

  it('caps the timeline at the newest 100 entries even when one kind alone has more', async () => {
    const c = await insertCustomer({ storeId: store1, createdAt: new Date('2020-01-01T00:00:00Z') });
    const base = Date.parse('2025-01-01T00:00:00Z');
    await env.ctx.db.insert(interactions).values(Array.from({ length: 120 }, (_, i) => ({ customerId: c.id, storeId: store1, kind: 'note' as const, occurredAt: new Date(base + i * 60_000), summary: `n${i}` })));
    await env.ctx.db.insert(behaviourEvents).values({ customerId: c.id, storeId: store1, kind: 'model.viewed', occurredAt: new Date(base + 50.5 * 60_000) });
    const body = (await get('sales1', `/customers/${c.id}`)).json();
    expect(body.timeline).toHaveLength(100);
    expect(body.timeline[0].detail).toBe('n119');
    // The newest 100 are interactions 119 down to 21 plus the behaviour event, in its place between 51 and 50.
    expect(body.timeline.filter((e: { kind: string }) => e.kind === 'behaviour')).toHaveLength(1);
    expect(body.timeline.at(-1).detail).toBe('n21');
    expect(body.interactions).toHaveLength(50);
  });
});

describe('GET /customers — search, filters, sort, pages', () => {
  let a: typeof customers.$inferSelect; // store 1, 张建国, plate 京A·88888, model L9 bought 2023-05
  let b: typeof customers.$inferSelect; // store 1, Wang Lei, NEV plate
  let d: typeof customers.$inferSelect; // store 2
  let vinA: string;
  let modelL9: string;
  let tagId: string;

  beforeAll(async () => {
    const l9 = await insertModel('L9', '2023款 旗舰');
    modelL9 = l9.id;
    a = await insertCustomer({ storeId: store1, name: '张建国', mobile: '+8613512344321', salesConsultantId: staffId('sales1'), serviceAdvisorId: staffId('service1'), city: '北京' });
    b = await insertCustomer({ storeId: store1, name: 'Wang Lei', mobile: '+8618600004321' });
    d = await insertCustomer({ storeId: store2, name: '张建军', mobile: '+8613900004321' });
    const va = await insertVehicle(a, { plate: '京A·88888', modelId: modelL9, purchaseDate: '2023-05-20' });
    vinA = va.vin;
    await insertVehicle(a, { plate: null, purchaseDate: '2019-01-01' });
    await insertVehicle(b, { plate: '京A·D12345', purchaseDate: '2025-06-01' });
    await insertVehicle(d, { plate: '津A·88888', modelId: modelL9, purchaseDate: '2023-05-21' });
    const [t] = await env.ctx.db.insert(tags).values({ name: '高净值' }).returning();
    tagId = t!.id;
    await env.ctx.db.insert(customerTags).values([
      { customerId: a.id, tagId, storeId: store1 },
      { customerId: d.id, tagId, storeId: store2 },
    ]);
  });

  const ids = async (user: string, query: string) => {
    const res = await get(user, `/customers?${query}`);
    expect(res.statusCode).toBe(200);
    return res.json().items.map((i: { id: string }) => i.id) as string[];
  };

  it('finds by the mobile last 4 within the actor’s store, with a cheap exact total', async () => {
    const res = await get('sales1', '/customers?q=4321');
    expect(res.json().items.map((i: { id: string }) => i.id).sort()).toEqual([a.id, b.id].sort());
    expect(res.json().total).toBe(2);
    expect((await ids('admin', 'q=4321')).sort()).toEqual([a.id, b.id, d.id].sort());
    expect(await ids('sales2', 'q=4321')).toEqual([d.id]);
  });

  it('finds by a full mobile typed in any format', async () => {
    for (const q of ['13512344321', '135 1234 4321', '+86-135-1234-4321', '0086 13512344321']) expect(await ids('sales1', `q=${encodeURIComponent(q)}`)).toEqual([a.id]);
  });

  it('finds by plate with or without the dot, and by a partial or whole VIN', async () => {
    expect(await ids('sales1', `q=${encodeURIComponent('京A·88888')}`)).toEqual([a.id]);
    expect(await ids('sales1', `q=${encodeURIComponent('京a88888')}`)).toEqual([a.id]);
    expect(await ids('sales1', `q=${encodeURIComponent('京AD12345')}`)).toEqual([b.id]);
    expect(await ids('sales1', `q=${vinA.slice(3, 11).toLowerCase()}`)).toEqual([a.id]);
    expect(await ids('sales1', `q=${vinA}`)).toEqual([a.id]);
    expect(await ids('sales2', `q=${vinA}`)).toEqual([]);
  });

  it('finds by name: a Chinese prefix, a Latin fragment anywhere; LIKE wildcards are literal', async () => {
    expect(await ids('sales1', `q=${encodeURIComponent('张建')}`)).toEqual([a.id]);
    expect((await ids('admin', `q=${encodeURIComponent('张建')}`)).sort()).toEqual([a.id, d.id].sort());
    expect(await ids('sales1', 'q=lei')).toEqual([b.id]);
    expect(await ids('sales1', `q=${encodeURIComponent('%')}`)).toEqual([]);
  });

  it('lists each item with store, owners, tags, vehicles and a masked mobile only', async () => {
    const res = await get('sales1', `/customers?q=${encodeURIComponent('张建国')}`);
    const [item] = res.json().items;
    expect(item).toMatchObject({
      id: a.id,
      name: '张建国',
      mobileMasked: '135****4321',
      storeName: org.stores[0]!.name,
      salesConsultant: { id: staffId('sales1'), displayName: '张伟' },
      serviceAdvisor: { id: staffId('service1'), displayName: '孙丽' },
      tags: [{ id: tagId, name: '高净值', color: 'blue' }],
    });
    expect(item.vehicles).toEqual([
      { id: expect.any(String), plate: '京A·88888', vin: vinA, modelName: 'L9 2023款 旗舰' },
      { id: expect.any(String), plate: null, vin: expect.any(String), modelName: null },
    ]);
    expect(res.body).not.toContain('13512344321');
    expect(item).not.toHaveProperty('mobile');
  });

  it('filters by store, tag, consultant, advisor, model and purchase dates', async () => {
    expect((await ids('admin', `tagId=${tagId}`)).sort()).toEqual([a.id, d.id].sort());
    expect(await ids('admin', `tagId=${tagId}&storeId=${store2}`)).toEqual([d.id]);
    expect(await ids('sales1', `tagId=${tagId}`)).toEqual([a.id]);
    // A store user naming another store sees nothing of it.
    expect(await ids('sales1', `storeId=${store2}`)).toEqual([]);
    const owned = async (param: string, field: 'salesConsultant' | 'serviceAdvisor', staff: string) => {
      const items = (await get('sales1', `/customers?${param}=${staffId(staff)}`)).json().items as { id: string; salesConsultant: { id: string } | null; serviceAdvisor: { id: string } | null }[];
      expect(items.map((i) => i.id)).toContain(a.id);
      expect(items.every((i) => i[field]?.id === staffId(staff))).toBe(true);
    };
    await owned('consultantId', 'salesConsultant', 'sales1');
    await owned('advisorId', 'serviceAdvisor', 'service1');
    expect(await ids('sales1', `consultantId=${staffId('sales2')}`)).toEqual([]);
    expect((await ids('admin', `modelId=${modelL9}`)).sort()).toEqual([a.id, d.id].sort());
    expect(await ids('admin', 'purchasedFrom=2023-05-01&purchasedTo=2023-05-20')).toEqual([a.id]);
    expect((await ids('admin', 'purchasedFrom=2023-05-20&purchasedTo=2023-05-21')).sort()).toEqual([a.id, d.id].sort());
    expect(await ids('admin', 'purchasedFrom=2025-01-01')).toEqual([b.id]);
    // Model and dates must hold for the same vehicle: a's L9 was bought in 2023, its 2019 car has no model.
    expect(await ids('admin', `modelId=${modelL9}&purchasedTo=2020-01-01`)).toEqual([]);
    expect((await get('sales1', '/customers?purchasedFrom=2023-13-01')).statusCode).toBe(400);
  });

  it('never lists merged customers', async () => {
    const m = await insertCustomer({ storeId: store1, name: '张建国', mobile: null, status: 'merged' });
    expect(await ids('sales1', `q=${encodeURIComponent('张建国')}`)).not.toContain(m.id);
  });
});

describe('GET /customers — sort orders and keyset pages', () => {
  // A store of its own so the expected order can be read straight from the table.
  beforeAll(async () => {
    const names = ['周', '吴', '郑', '王', '冯', '陈', '褚', '卫', 'Alice', 'bob', 'Carol', '蒋', '沈', '韩', '杨'];
    // 15 in one statement (identical created_at: the id must break the tie), then 22 one by one.
    await env.ctx.db.insert(customers).values(names.map((n) => ({ storeId: store3, name: n, mobile: newMobile() })));
    for (let i = 0; i < 22; i++) await insertCustomer({ storeId: store3, name: i % 3 === 0 ? '周' : `客户${String(i).padStart(2, '0')}` });
  });

  const expected = async (sort: string) => {
    const key = sort.startsWith('created') ? customers.createdAt : customers.name;
    const dir = sort.endsWith('desc') ? desc : asc;
    const rows = await env.ctx.db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.storeId, store3), eq(customers.status, 'active')))
      .orderBy(dir(key), dir(customers.id));
    return rows.map((r) => r.id);
  };

  for (const sort of ['created_desc', 'created_asc', 'name_asc', 'name_desc']) {
    it(`walks every page of ${sort} without duplicates or omissions`, async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get('admin', `/customers?storeId=${store3}&sort=${sort}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.items.length).toBeLessThanOrEqual(4);
        expect(body).not.toHaveProperty('total');
        seen.push(...body.items.map((i: { id: string }) => i.id));
        cursor = body.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      const [{ n }] = (await env.ctx.db.execute<{ n: number }>(sql`select count(*)::int as n from customers where store_id = ${store3} and status = 'active'`)).rows as [{ n: number }];
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(n);
      expect(seen).toEqual(await expected(sort));
    });
  }

  it('rejects a forged cursor or one from another sort with 400', async () => {
    const first = (await get('admin', `/customers?storeId=${store3}&sort=name_asc&limit=2`)).json();
    expect((await get('admin', `/customers?storeId=${store3}&sort=created_desc&cursor=${first.nextCursor}`)).statusCode).toBe(400);
    expect((await get('admin', '/customers?cursor=bm9wZQ')).statusCode).toBe(400);
    const forged = Buffer.from(JSON.stringify(['created_desc', 'yesterday', '00000000-0000-7000-8000-000000000000'])).toString('base64url');
    expect((await get('admin', `/customers?cursor=${forged}`)).statusCode).toBe(400);
    expect((await get('admin', '/customers?limit=500')).statusCode).toBe(400);
  });
});

describe('POST /customers/{id}/merge', () => {
  it('moves everything from the duplicate to the survivor in one audited step', async () => {
    const db = env.ctx.db;
    const survivor = await insertCustomer({ storeId: store1, name: '李明', mobile: '+8613300001111', city: '北京' });
    const source = await insertCustomer({ storeId: store1, name: '李明(重复)', mobile: '+8613300002222', email: 'lm@example.com', birthday: '1985-03-03', salesConsultantId: staffId('sales1'), city: '天津' });
    const v = await insertVehicle(source, { plate: '京A·M0001' });
    const [so] = await db.insert(salesOrders).values({ orderNo: `SO-${++seq}`, customerId: source.id, storeId: store1, vehicleId: v.id, priceFen: 1, orderedAt: new Date('2025-01-01T00:00:00Z') }).returning();
    await db.insert(salesOrderMilestones).values({ orderId: so!.id, customerId: source.id, storeId: store1, milestone: 'ordered', at: new Date('2025-01-01T00:00:00Z') });
    const [ro] = await db.insert(repairOrders).values({ roNo: `RO-${++seq}`, customerId: source.id, storeId: store1, vehicleId: v.id, kind: 'maintenance', openedAt: new Date('2025-06-01T00:00:00Z') }).returning();
    await db.insert(repairOrderStages).values({ roId: ro!.id, customerId: source.id, storeId: store1, stage: 'received', at: new Date('2025-06-01T00:00:00Z') });
    await db.insert(interactions).values({ customerId: source.id, storeId: store1, kind: 'visit', occurredAt: new Date('2025-02-01T00:00:00Z'), summary: '看车' });
    await db.insert(behaviourEvents).values({ customerId: source.id, storeId: store1, kind: 'model.viewed', occurredAt: new Date('2025-02-02T00:00:00Z') });
    const [t1] = await db.insert(tags).values({ name: `合并标签A${seq}` }).returning();
    const [t2] = await db.insert(tags).values({ name: `合并标签B${seq}` }).returning();
    await db.insert(customerTags).values([
      { customerId: survivor.id, tagId: t1!.id, storeId: store1 },
      { customerId: source.id, tagId: t1!.id, storeId: store1 },
      { customerId: source.id, tagId: t2!.id, storeId: store1 },
    ]);
    const older = new Date('2025-01-01T00:00:00Z');
    const newer = new Date('2025-09-01T00:00:00Z');
    await db.insert(customerConsents).values([
      // sms/marketing: the source answered later → its answer wins
      { customerId: survivor.id, storeId: store1, channel: 'sms', purpose: 'marketing', granted: true, source: 'A', recordedAt: older },
      { customerId: source.id, storeId: store1, channel: 'sms', purpose: 'marketing', granted: false, source: 'B-newer', recordedAt: newer },
      // wechat/marketing: the survivor answered later → kept
      { customerId: survivor.id, storeId: store1, channel: 'wechat', purpose: 'marketing', granted: true, source: 'A-newer', recordedAt: newer },
      { customerId: source.id, storeId: store1, channel: 'wechat', purpose: 'marketing', granted: false, source: 'B', recordedAt: older },
      // phone/service: only the source → moves
      { customerId: source.id, storeId: store1, channel: 'phone', purpose: 'service', granted: true, source: 'B-only', recordedAt: older },
    ]);

    const res = await post('manager1', `/customers/${survivor.id}/merge`, { sourceId: source.id });
    expect(res.statusCode).toBe(200);
    const view = res.json();
    expect(view.customer).toMatchObject({ id: survivor.id, name: '李明', city: '北京', email: 'lm@example.com', birthday: '1985-03-03', salesConsultant: { id: staffId('sales1') }, mobileMasked: '133****1111' });
    expect(view.vehicles.map((x: { id: string }) => x.id)).toEqual([v.id]);
    expect(view.salesOrders.map((x: { id: string }) => x.id)).toEqual([so!.id]);
    expect(view.repairOrders.map((x: { id: string }) => x.id)).toEqual([ro!.id]);
    expect(view.interactions).toHaveLength(1);
    expect(view.behaviourEvents).toHaveLength(1);
    expect(view.tags.map((x: { id: string }) => x.id).sort()).toEqual([t1!.id, t2!.id].sort());
    const consent = (ch: string) => view.consents.find((x: { channel: string }) => x.channel === ch);
    expect(consent('sms')).toMatchObject({ granted: false, source: 'B-newer' });
    expect(consent('wechat')).toMatchObject({ granted: true, source: 'A-newer' });
    expect(consent('phone')).toMatchObject({ granted: true, source: 'B-only' });
    expect(view.consents).toHaveLength(3);
    // Milestones and stages follow their orders to the survivor.
    expect((await db.select().from(salesOrderMilestones).where(eq(salesOrderMilestones.orderId, so!.id)))[0]!.customerId).toBe(survivor.id);
    expect((await db.select().from(repairOrderStages).where(eq(repairOrderStages.roId, ro!.id)))[0]!.customerId).toBe(survivor.id);

    const [gone] = await db.select().from(customers).where(eq(customers.id, source.id));
    expect(gone).toMatchObject({ status: 'merged', mergedIntoId: survivor.id, mobile: null });
    expect(await db.select().from(customerTags).where(eq(customerTags.customerId, source.id))).toHaveLength(0);
    expect(await db.select().from(customerConsents).where(eq(customerConsents.customerId, source.id))).toHaveLength(0);
    const [entry] = await audits('customer.merge', survivor.id);
    expect(entry!.detail).toMatchObject({ survivorId: survivor.id, sourceId: source.id });
    // The duplicate's number is free again, and the merged customer leaves the list.
    expect((await post('sales1', '/customers', { name: '新客户', mobile: '13300002222' })).statusCode).toBe(201);
    expect(await (async () => (await get('sales1', `/customers?q=${encodeURIComponent('李明')}`)).json().items.map((i: { id: string }) => i.id))()).toEqual([survivor.id]);
    // The merged record still opens, pointing at the survivor; it cannot be merged again.
    expect((await get('sales1', `/customers/${source.id}`)).json().customer).toMatchObject({ status: 'merged', mergedIntoId: survivor.id });
    expect((await post('manager1', `/customers/${survivor.id}/merge`, { sourceId: source.id })).statusCode).toBe(422);
  });

  it('takes the duplicate’s mobile when the survivor has none', async () => {
    const survivor = await insertCustomer({ storeId: store1, mobile: null });
    const source = await insertCustomer({ storeId: store1, mobile: '+8613300003333' });
    const res = await post('manager1', `/customers/${survivor.id}/merge`, { sourceId: source.id });
    expect(res.statusCode).toBe(200);
    expect(res.json().customer.mobileMasked).toBe('133****3333');
  });

  it('refuses roles without the right (403), customers of other stores (404) and a customer merged with itself (400)', async () => {
    const x = await insertCustomer({ storeId: store1 });
    const y = await insertCustomer({ storeId: store1 });
    const z = await insertCustomer({ storeId: store2 });
    expect((await post('sales1', `/customers/${x.id}/merge`, { sourceId: y.id })).statusCode).toBe(403);
    expect((await post('manager1', `/customers/${x.id}/merge`, { sourceId: z.id })).statusCode).toBe(404);
    expect((await post('manager2', `/customers/${x.id}/merge`, { sourceId: y.id })).statusCode).toBe(404);
    expect((await post('manager1', `/customers/${x.id}/merge`, { sourceId: x.id })).statusCode).toBe(400);
    const [still] = await env.ctx.db.select().from(customers).where(eq(customers.id, y.id));
    expect(still!.status).toBe('active');
  });
});

describe('OpenAPI', () => {
  it('documents the customers routes', async () => {
    const paths = Object.keys((await env.app.inject({ url: '/api/docs/json' })).json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/customers', '/api/v1/customers/{id}', '/api/v1/customers/{id}/merge', '/api/v1/tags']));
  });
});
