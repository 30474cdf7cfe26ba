import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeVin } from '../../../contracts/validators.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { auditLog, domainEvents } from '../audit/schema.js';
import { customers } from '../customers/schema.js';
import { vehicles } from '../vehicles/schema.js';
import { salesOrderMilestones, salesOrders } from './schema.js';

let env: TestEnv;
let org: SeededOrg;
let h: Record<string, Record<string, string>>;
let cust1: string;
let cust2: string;
let modelId: string;

let vinSeq = 0;
const newVin = () => completeVin('LSGKB54H', String(20_000_000 + ++vinSeq).slice(-8));
const breakCheckDigit = (vin: string) => `${vin.slice(0, 8)}${vin[8] === '1' ? '2' : '1'}${vin.slice(9)}`;

async function insertCustomer(storeId: string, name: string) {
  const [c] = await env.ctx.db.insert(customers).values({ storeId, name }).returning({ id: customers.id });
  return c!.id;
}

const post = (user: string, url: string, payload: object) => env.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: h[user], payload });
const patch = (user: string, url: string, payload: object) => env.app.inject({ method: 'PATCH', url: `/api/v1${url}`, headers: h[user], payload });
const get = (user: string, url: string) => env.app.inject({ url: `/api/v1${url}`, headers: h[user] });

async function newVehicle(customerId: string, user = 'sales1') {
  const res = await post(user, '/vehicles', { customerId, vin: newVin(), modelId });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

beforeAll(async () => {
  env = await createTestEnv();
  org = await seedDemoOrg(env.ctx.db);
  h = {};
  for (const u of ['admin', 'manager1', 'sales1', 'sales2', 'service1', 'marketing1']) h[u] = await login(env.app, u);
  cust1 = await insertCustomer(org.stores[0]!.id, '陈先生');
  cust2 = await insertCustomer(org.stores[1]!.id, '天津客户');
  const m = await post('admin', '/vehicle-models', { brand: '领航', series: 'L6', name: '2026款 长续航', bodyType: 'sedan', powertrain: 'bev', seats: 5, minPriceFen: 15_000_000, maxPriceFen: 19_000_000, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 20_000 });
  modelId = m.json().id;
});
afterAll(() => env.close());

describe('POST /sales-orders', () => {
  it('401 without a session', async () => {
    expect((await env.app.inject({ url: '/api/v1/sales-orders' })).statusCode).toBe(401);
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/sales-orders', payload: { customerId: cust1, priceFen: 1 } })).statusCode).toBe(401);
  });

  it('opens an order with a generated number, the acting consultant, the car’s model and the `ordered` milestone', async () => {
    const vehicleId = await newVehicle(cust1);
    const res = await post('sales1', '/sales-orders', { customerId: cust1, vehicleId, priceFen: 16_880_000, insuranceBundle: true, financeProvider: '领航金融', loanAmountFen: 8_000_000, loanTermMonths: 36 });
    expect(res.statusCode).toBe(201);
    const o = res.json();
    expect(o).toMatchObject({
      orderNo: 'SO-BJLH-20261123-0001',
      customerId: cust1,
      customerName: '陈先生',
      storeId: org.stores[0]!.id,
      vehicleId,
      vehicle: { id: vehicleId, modelName: '领航 L6 2026款 长续航' },
      modelId,
      modelName: '领航 L6 2026款 长续航',
      consultant: { id: org.staff.get('sales1')!.id, displayName: '张伟' },
      priceFen: 16_880_000,
      status: 'open',
      milestone: 'ordered',
      deliveredAt: null,
    });
    expect(o.milestones).toEqual([expect.objectContaining({ milestone: 'ordered', at: '2026-11-23T02:00:00.000Z', staff: { id: org.staff.get('sales1')!.id, displayName: '张伟' } })]);
    const second = await post('manager1', '/sales-orders', { customerId: cust1, priceFen: 1 });
    expect(second.json().orderNo).toBe('SO-BJLH-20261123-0002');
    expect(second.json().consultant).toBeNull();
    const audit = await env.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'sales_order.create'), eq(auditLog.entityId, o.id)));
    expect(audit).toHaveLength(1);
  });

  it('gives concurrent orders distinct numbers', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => post('sales1', '/sales-orders', { customerId: cust1, priceFen: 100 })));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.json().orderNo)).size).toBe(4);
  });

  it('409 on a DMS order number already used', async () => {
    const first = await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 100, orderNo: 'DMS-2026-778' });
    expect(first.statusCode).toBe(201);
    const dup = await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 100, orderNo: 'DMS-2026-778' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().existing).toEqual({ type: 'sales_order', id: first.json().id, label: 'DMS-2026-778' });
  });

  it('400 on negative or fractional amounts, a bad trade-in VIN, a future order time, a consultant of another store', async () => {
    expect((await post('sales1', '/sales-orders', { customerId: cust1, priceFen: -1 })).statusCode).toBe(400);
    expect((await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 100.5 })).statusCode).toBe(400);
    expect((await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 1, tradeInValueFen: -5 })).statusCode).toBe(400);
    expect((await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 1, tradeInVin: breakCheckDigit(newVin()) })).statusCode).toBe(400);
    expect((await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 1, orderedAt: '2026-11-24T02:00:00Z' })).statusCode).toBe(400);
    const res = await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 1, consultantId: org.staff.get('sales2')!.id });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body.consultantId');
  });

  it('403 for roles without sales.write; 404 for another store’s customer', async () => {
    expect((await post('service1', '/sales-orders', { customerId: cust1, priceFen: 1 })).statusCode).toBe(403);
    expect((await post('marketing1', '/sales-orders', { customerId: cust1, priceFen: 1 })).statusCode).toBe(403);
    expect((await post('sales1', '/sales-orders', { customerId: cust2, priceFen: 1 })).statusCode).toBe(404);
  });

  it('422 for a self-referral or another customer’s car', async () => {
    const self = await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 1, referrerCustomerId: cust1 });
    expect(self.statusCode).toBe(422);
    const other = await insertCustomer(org.stores[0]!.id, '别人');
    const otherCar = await newVehicle(other);
    expect((await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 1, vehicleId: otherCar })).statusCode).toBe(422);
    const referred = await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 1, referrerCustomerId: other });
    expect(referred.statusCode).toBe(201);
    const [event] = await env.ctx.db.select().from(domainEvents).where(and(eq(domainEvents.type, 'sales_order.created'), eq(domainEvents.customerId, cust1)));
    expect(event).toBeDefined();
  });
});

describe('milestones', () => {
  it('advance forward with skips; going back or repeating is 422 with a clear message', async () => {
    const o = (await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 1, orderedAt: '2026-11-01T02:00:00Z' })).json();
    const url = `/sales-orders/${o.id}/milestones`;
    const insp = await post('sales1', url, { milestone: 'inspection', at: '2026-11-02T02:00:00Z', note: '外观检查无划痕', photos: ['files/abc.jpg'] });
    expect(insp.statusCode).toBe(201);
    expect(insp.json()).toMatchObject({ milestone: 'inspection', status: 'open' });
    const pdi = await post('sales1', url, { milestone: 'pdi', at: '2026-11-05T02:00:00Z' });
    expect(pdi.statusCode).toBe(201);
    expect(pdi.json().milestones.map((m: { milestone: string }) => m.milestone)).toEqual(['ordered', 'inspection', 'pdi']);
    expect(pdi.json().milestones[1]).toMatchObject({ note: '外观检查无划痕', photos: ['files/abc.jpg'], staff: { displayName: '张伟' } });

    const back = await post('sales1', url, { milestone: 'transport' });
    expect(back.statusCode).toBe(422);
    expect(back.json().detail).toContain('不能退回「运输」');
    const again = await post('sales1', url, { milestone: 'pdi' });
    expect(again.statusCode).toBe(422);
    expect(again.json().detail).toContain('已记录');
    const early = await post('sales1', url, { milestone: 'handover_prep', at: '2026-11-04T02:00:00Z' });
    expect(early.statusCode).toBe(422);
    expect((await post('sales1', url, { milestone: 'handover_prep', at: '2026-12-01T00:00:00Z' })).statusCode).toBe(400);
    expect((await post('sales1', url, { milestone: 'shipped' })).statusCode).toBe(400);
    expect((await post('service1', url, { milestone: 'handover_prep' })).statusCode).toBe(403);
    expect((await post('sales2', url, { milestone: 'handover_prep' })).statusCode).toBe(404);
  });

  it('delivered closes the order, dates the car in store time and emits sales_order.delivered in the same step', async () => {
    const vehicleId = await newVehicle(cust1);
    const o = (await post('sales1', '/sales-orders', { customerId: cust1, vehicleId, priceFen: 17_000_000, orderedAt: '2026-11-10T02:00:00Z' })).json();
    // 17:30 UTC on the 22nd is 01:30 on the 23rd in Beijing: the delivery date is the 23rd.
    const res = await post('sales1', `/sales-orders/${o.id}/milestones`, { milestone: 'delivered', at: '2026-11-22T17:30:00Z', note: '交车仪式' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'delivered', milestone: 'delivered', deliveredAt: '2026-11-22T17:30:00.000Z' });
    const [car] = await env.ctx.db.select().from(vehicles).where(eq(vehicles.id, vehicleId));
    expect(car).toMatchObject({ deliveryDate: '2026-11-23', purchaseDate: '2026-11-23' });
    const events = await env.ctx.db.select().from(domainEvents).where(eq(domainEvents.type, 'sales_order.delivered'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ customerId: cust1, storeId: org.stores[0]!.id, payload: expect.objectContaining({ orderId: o.id, vehicleId, deliveredAt: '2026-11-22T17:30:00.000Z' }) });

    expect((await post('sales1', `/sales-orders/${o.id}/milestones`, { milestone: 'delivered' })).statusCode).toBe(422);
    expect((await patch('sales1', `/sales-orders/${o.id}`, { status: 'cancelled' })).statusCode).toBe(422);
    expect((await patch('sales1', `/sales-orders/${o.id}`, { priceFen: 1 })).statusCode).toBe(422);
    const noted = await patch('sales1', `/sales-orders/${o.id}`, { note: '客户很满意' });
    expect(noted.statusCode).toBe(200);
    expect(noted.json().note).toBe('客户很满意');
    expect(await env.ctx.db.select().from(domainEvents).where(eq(domainEvents.type, 'sales_order.delivered'))).toHaveLength(1);
  });
});

describe('PATCH /sales-orders/{id}', () => {
  it('changes an open order, cancels it, and then refuses milestones', async () => {
    const o = (await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 1 })).json();
    const changed = await patch('sales1', `/sales-orders/${o.id}`, { priceFen: 15_500_000, modelId, consultantId: org.staff.get('service1')!.id });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ priceFen: 15_500_000, modelName: '领航 L6 2026款 长续航', consultant: { displayName: '孙丽' } });
    expect((await patch('sales1', `/sales-orders/${o.id}`, { status: 'delivered' })).statusCode).toBe(400);
    const cancelled = await patch('sales1', `/sales-orders/${o.id}`, { status: 'cancelled' });
    expect(cancelled.json().status).toBe('cancelled');
    expect((await post('sales1', `/sales-orders/${o.id}/milestones`, { milestone: 'inspection' })).statusCode).toBe(422);
    expect((await patch('service1', `/sales-orders/${o.id}`, { note: 'x' })).statusCode).toBe(403);
  });
});

describe('GET /sales-orders', () => {
  it('lists the actor’s store only, filters by status and customer, and pages by cursor', async () => {
    const all = (await get('sales1', '/sales-orders?limit=200')).json().items;
    expect(all.length).toBeGreaterThan(5);
    expect(all.every((o: { storeId: string }) => o.storeId === org.stores[0]!.id)).toBe(true);
    expect((await get('sales2', '/sales-orders')).json().items).toEqual([]);
    const delivered = (await get('sales1', '/sales-orders?status=delivered')).json().items;
    expect(delivered.map((o: { status: string }) => o.status)).toEqual(['delivered']);
    const p1 = (await get('sales1', `/sales-orders?customerId=${cust1}&limit=3`)).json();
    const p2 = (await get('sales1', `/sales-orders?customerId=${cust1}&limit=3&cursor=${p1.nextCursor}`)).json();
    expect(p1.items).toHaveLength(3);
    const ids = [...p1.items, ...p2.items].map((o: { id: string }) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(p1.items[0].orderedAt >= p2.items[0].orderedAt).toBe(true);
    const tampered = Buffer.from(JSON.stringify(['yesterday', p1.items[0].id])).toString('base64url');
    expect((await get('sales1', `/sales-orders?cursor=${tampered}`)).statusCode).toBe(400);
  });

  it('404 for another store’s order; the group admin sees it', async () => {
    const theirs = await post('admin', '/sales-orders', { customerId: cust2, priceFen: 1 });
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().orderNo).toBe('SO-TJLH-20261123-0001');
    expect((await get('sales1', `/sales-orders/${theirs.json().id}`)).statusCode).toBe(404);
    expect((await get('sales2', `/sales-orders/${theirs.json().id}`)).statusCode).toBe(200);
  });
});

describe('reassignCustomer', () => {
  it('moves orders, milestone rows and referrals to the survivor; a referral of oneself is dropped', async () => {
    const from = await insertCustomer(org.stores[0]!.id, '重复档案');
    const to = await insertCustomer(org.stores[0]!.id, '主档案');
    const ownOrder = (await post('sales1', '/sales-orders', { customerId: from, priceFen: 1 })).json();
    const referredByFrom = (await post('sales1', '/sales-orders', { customerId: cust1, priceFen: 1, referrerCustomerId: from })).json();
    const toReferredByFrom = (await post('sales1', '/sales-orders', { customerId: to, priceFen: 1, referrerCustomerId: from })).json();
    const moved = await env.ctx.db.transaction((tx) => env.ctx.services.sales.reassignCustomer(tx, from, to));
    expect(moved).toBe(1);
    const rows = await env.ctx.db.select().from(salesOrders);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(ownOrder.id)!.customerId).toBe(to);
    expect(byId.get(referredByFrom.id)!.referrerCustomerId).toBe(to);
    expect(byId.get(toReferredByFrom.id)!.referrerCustomerId).toBeNull();
    expect(await env.ctx.db.select().from(salesOrderMilestones).where(eq(salesOrderMilestones.customerId, from))).toEqual([]);
    expect(await env.ctx.db.select().from(salesOrderMilestones).where(eq(salesOrderMilestones.orderId, ownOrder.id))).toEqual([expect.objectContaining({ customerId: to })]);
  });
});
