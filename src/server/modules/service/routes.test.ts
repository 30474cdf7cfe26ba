import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeVin } from '../../../contracts/validators.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { auditLog, domainEvents } from '../audit/schema.js';
import { customers } from '../customers/schema.js';
import { vehicles } from '../vehicles/schema.js';
import { repairOrders, repairOrderStages } from './schema.js';

let env: TestEnv;
let org: SeededOrg;
let h: Record<string, Record<string, string>>;
let cust1: string;
let cust2: string;
let car1: string; // store 1
let car2: string; // store 2

let vinSeq = 0;
const newVin = () => completeVin('LVGBE40K', String(30_000_000 + ++vinSeq).slice(-8));

async function insertCustomer(storeId: string, name: string) {
  const [c] = await env.ctx.db.insert(customers).values({ storeId, name }).returning({ id: customers.id });
  return c!.id;
}
async function newCar(customerId: string, user = 'service1', extra: object = {}) {
  const res = await env.app.inject({ method: 'POST', url: '/api/v1/vehicles', headers: h[user], payload: { customerId, vin: newVin(), ...extra } });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}
const carRow = async (id: string) => (await env.ctx.db.select().from(vehicles).where(eq(vehicles.id, id)))[0]!;

const post = (user: string, url: string, payload: object) => env.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: h[user], payload });
const patch = (user: string, url: string, payload: object) => env.app.inject({ method: 'PATCH', url: `/api/v1${url}`, headers: h[user], payload });
const get = (user: string, url: string) => env.app.inject({ url: `/api/v1${url}`, headers: h[user] });
const ro = (vehicleId: string, extra: object = {}) => ({ vehicleId, kind: 'maintenance', labourFen: 30_000, partsFen: 45_000, ...extra });

beforeAll(async () => {
  env = await createTestEnv();
  org = await seedDemoOrg(env.ctx.db);
  h = {};
  for (const u of ['admin', 'manager1', 'sales1', 'service1', 'service2', 'marketing1']) h[u] = await login(env.app, u);
  cust1 = await insertCustomer(org.stores[0]!.id, '周女士');
  cust2 = await insertCustomer(org.stores[1]!.id, '天津车主');
  car1 = await newCar(cust1, 'service1', { plate: '京N·A1234' });
  car2 = await newCar(cust2, 'service2');
});
afterAll(() => env.close());

describe('POST /service-orders', () => {
  it('401 without a session', async () => {
    expect((await env.app.inject({ url: '/api/v1/service-orders' })).statusCode).toBe(401);
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/service-orders', payload: ro(car1) })).statusCode).toBe(401);
  });

  it('opens an RO from the vehicle: number, advisor, total, first stage; the mileage becomes the car’s reading in store time', async () => {
    // 16:30 UTC on the 22nd is 00:30 on the 23rd in Beijing.
    const res = await post('service1', '/service-orders', ro(car1, { mileageKm: 5200, openedAt: '2026-11-22T16:30:00Z', faultCodes: ['p0301'], items: [{ name: '机油', kind: 'part', quantity: 4.5, amountFen: 45_000 }] }));
    expect(res.statusCode).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({
      roNo: 'RO-BJLH-20261123-0001',
      customerId: cust1,
      customerName: '周女士',
      storeId: org.stores[0]!.id,
      vehicleId: car1,
      vehicle: { id: car1, plate: '京N·A1234' },
      advisor: { id: org.staff.get('service1')!.id, displayName: '孙丽' },
      kind: 'maintenance',
      mileageKm: 5200,
      labourFen: 30_000,
      partsFen: 45_000,
      totalFen: 75_000,
      faultCodes: ['P0301'],
      stage: 'received',
      closedAt: null,
    });
    expect(r.stages).toEqual([expect.objectContaining({ stage: 'received', at: '2026-11-22T16:30:00.000Z', staff: { id: org.staff.get('service1')!.id, displayName: '孙丽' } })]);
    expect(await carRow(car1)).toMatchObject({ lastMileageKm: 5200, lastMileageAt: '2026-11-23' });
    const audit = await env.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'repair_order.create'), eq(auditLog.entityId, r.id)));
    expect(audit).toHaveLength(1);
  });

  it('a lower reading leaves the car’s mileage alone; a higher one replaces it', async () => {
    const lower = await post('service1', '/service-orders', ro(car1, { mileageKm: 4800, kind: 'repair' }));
    expect(lower.statusCode).toBe(201);
    expect(lower.json().mileageKm).toBe(4800);
    expect((await carRow(car1)).lastMileageKm).toBe(5200);
    await post('service1', '/service-orders', ro(car1, { mileageKm: 9100 }));
    expect(await carRow(car1)).toMatchObject({ lastMileageKm: 9100, lastMileageAt: '2026-11-23' });
  });

  it('can open as a booking', async () => {
    const res = await post('manager1', '/service-orders', ro(car1, { stage: 'booked', kind: 'first_service', advisorId: org.staff.get('service1')!.id }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ stage: 'booked', stages: [expect.objectContaining({ stage: 'booked' })], advisor: { displayName: '孙丽' } });
  });

  it('400 on negative amounts, an unknown kind, a negative mileage, an advisor of another store', async () => {
    expect((await post('service1', '/service-orders', ro(car1, { labourFen: -1 }))).statusCode).toBe(400);
    expect((await post('service1', '/service-orders', ro(car1, { partsFen: -100 }))).statusCode).toBe(400);
    expect((await post('service1', '/service-orders', ro(car1, { kind: 'tuning' }))).statusCode).toBe(400);
    expect((await post('service1', '/service-orders', ro(car1, { mileageKm: -5 }))).statusCode).toBe(400);
    expect((await post('service1', '/service-orders', ro(car1, { stage: 'repair' }))).statusCode).toBe(400);
    const adv = await post('service1', '/service-orders', ro(car1, { advisorId: org.staff.get('service2')!.id }));
    expect(adv.statusCode).toBe(400);
    expect(adv.json().errors[0].path).toBe('body.advisorId');
  });

  it('403 for marketing and sales; 404 for another store’s vehicle', async () => {
    expect((await post('marketing1', '/service-orders', ro(car1))).statusCode).toBe(403);
    expect((await post('sales1', '/service-orders', ro(car1))).statusCode).toBe(403);
    expect((await post('service1', '/service-orders', ro(car2))).statusCode).toBe(404);
  });

  it('409 on an RO number the store already has; another store may use it', async () => {
    const first = await post('service1', '/service-orders', ro(car1, { roNo: 'DMS-88001' }));
    expect(first.statusCode).toBe(201);
    const dup = await post('service1', '/service-orders', ro(car1, { roNo: 'DMS-88001' }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().existing).toEqual({ type: 'repair_order', id: first.json().id, label: 'DMS-88001' });
    expect((await post('service2', '/service-orders', ro(car2, { roNo: 'DMS-88001' }))).statusCode).toBe(201);
    const second = await post('service1', '/service-orders', ro(car1));
    expect((await patch('service1', `/service-orders/${second.json().id}`, { roNo: 'DMS-88001' })).statusCode).toBe(409);
  });

  it('gives concurrent ROs distinct numbers', async () => {
    const results = await Promise.all([1, 2, 3].map(() => post('service1', '/service-orders', ro(car1))));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(results.map((r) => r.json().roNo)).size).toBe(3);
  });
});

describe('workshop stages', () => {
  it('move forward with skips; back or repeat is 422; sales may not move them', async () => {
    const r = (await post('service1', '/service-orders', ro(car1, { openedAt: '2026-11-23T00:00:00Z' }))).json();
    const url = `/service-orders/${r.id}/stages`;
    expect((await post('service1', url, { stage: 'diagnosis', at: '2026-11-23T00:20:00Z', note: '异响来自前悬挂' })).statusCode).toBe(201);
    const repair = await post('service1', url, { stage: 'repair', at: '2026-11-23T00:40:00Z', photos: ['files/p1.jpg'] });
    expect(repair.json().stages.map((s: { stage: string }) => s.stage)).toEqual(['received', 'diagnosis', 'repair']);
    const back = await post('service1', url, { stage: 'diagnosis' });
    expect(back.statusCode).toBe(422);
    expect(back.json().detail).toContain('不能退回「诊断」');
    expect((await post('service1', url, { stage: 'repair' })).statusCode).toBe(422);
    expect((await post('service1', url, { stage: 'qc', at: '2026-11-23T00:30:00Z' })).statusCode).toBe(422);
    expect((await post('sales1', url, { stage: 'qc' })).statusCode).toBe(403);
    expect((await post('service2', url, { stage: 'qc' })).statusCode).toBe(404);
    const ready = await post('service1', url, { stage: 'ready', at: '2026-11-23T01:30:00Z' });
    expect(ready.json()).toMatchObject({ stage: 'ready', closedAt: null });
  });

  it('delivered closes the RO and emits repair_order.closed with the amounts', async () => {
    const r = (await post('service1', '/service-orders', ro(car1, { kind: 'warranty', labourFen: 12_000, partsFen: 0 }))).json();
    const res = await post('service1', `/service-orders/${r.id}/stages`, { stage: 'delivered' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ stage: 'delivered', closedAt: '2026-11-23T02:00:00.000Z' });
    const [event] = await env.ctx.db.select().from(domainEvents).where(eq(domainEvents.type, 'repair_order.closed'));
    expect(event).toMatchObject({ customerId: cust1, storeId: org.stores[0]!.id, payload: expect.objectContaining({ roId: r.id, vehicleId: car1, kind: 'warranty', totalFen: 12_000 }) });

    expect((await post('service1', `/service-orders/${r.id}/stages`, { stage: 'delivered' })).statusCode).toBe(422);
    expect((await patch('service1', `/service-orders/${r.id}`, { labourFen: 99 })).statusCode).toBe(422);
    const noted = await patch('service1', `/service-orders/${r.id}`, { note: '客户已取车' });
    expect(noted.statusCode).toBe(200);
    expect(noted.json()).toMatchObject({ note: '客户已取车', labourFen: 12_000 });
  });
});

describe('PATCH /service-orders/{id}', () => {
  it('updates amounts (total follows) and a higher mileage updates the car', async () => {
    const r = (await post('service1', '/service-orders', ro(car1))).json();
    const res = await patch('service1', `/service-orders/${r.id}`, { labourFen: 50_000, partsFen: 10_000, mileageKm: 12_000, kind: 'accident' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ totalFen: 60_000, kind: 'accident', mileageKm: 12_000 });
    expect((await carRow(car1)).lastMileageKm).toBe(12_000);
    expect((await patch('service1', `/service-orders/${r.id}`, { partsFen: -1 })).statusCode).toBe(400);
    expect((await patch('marketing1', `/service-orders/${r.id}`, { note: 'x' })).statusCode).toBe(403);
  });
});

describe('GET /service-orders', () => {
  it('lists the actor’s store only, filters by vehicle and stage, pages by cursor; other stores’ ROs are 404', async () => {
    const mine = (await get('service1', '/service-orders?limit=200')).json().items;
    expect(mine.length).toBeGreaterThan(5);
    expect(mine.every((r: { storeId: string }) => r.storeId === org.stores[0]!.id)).toBe(true);
    const booked = (await get('service1', '/service-orders?stage=booked')).json().items;
    expect(booked.map((r: { stage: string }) => r.stage)).toEqual(['booked']);
    const theirs = (await get('service2', '/service-orders')).json().items;
    expect(theirs).toHaveLength(1);
    expect((await get('service1', `/service-orders/${theirs[0].id}`)).statusCode).toBe(404);
    expect((await get('service2', `/service-orders/${theirs[0].id}`)).json().stages).toHaveLength(1);
    expect((await get('service1', `/service-orders?vehicleId=${car2}`)).json().items).toEqual([]);

    const p1 = (await get('service1', `/service-orders?vehicleId=${car1}&limit=4`)).json();
    const p2 = (await get('service1', `/service-orders?vehicleId=${car1}&limit=4&cursor=${p1.nextCursor}`)).json();
    const ids = [...p1.items, ...p2.items].map((r: { id: string }) => r.id);
    expect(p1.items).toHaveLength(4);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('reassignCustomer', () => {
  it('moves ROs and stage rows to the survivor, keeping the store where the work was done', async () => {
    const from = await insertCustomer(org.stores[0]!.id, '旧档案');
    const to = await insertCustomer(org.stores[1]!.id, '新档案');
    const car = await newCar(from);
    const r = (await post('service1', '/service-orders', ro(car))).json();
    await post('service1', `/service-orders/${r.id}/stages`, { stage: 'qc' });
    const moved = await env.ctx.db.transaction((tx) => env.ctx.services.serviceOrders.reassignCustomer(tx, from, to));
    expect(moved).toBe(1);
    const [row] = await env.ctx.db.select().from(repairOrders).where(eq(repairOrders.id, r.id));
    expect(row).toMatchObject({ customerId: to, storeId: org.stores[0]!.id });
    const stages = await env.ctx.db.select().from(repairOrderStages).where(eq(repairOrderStages.roId, r.id));
    expect(stages.map((s) => s.customerId)).toEqual([to, to]);
  });
});
