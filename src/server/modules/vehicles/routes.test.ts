import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeVin } from '../../../contracts/validators.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { auditLog } from '../audit/schema.js';
import { customers } from '../customers/schema.js';
import { vehicles } from './schema.js';

let env: TestEnv;
let org: SeededOrg;
let h: Record<string, Record<string, string>>;
let cust1: string; // store 1 (BJ-LH)
let cust2: string; // store 2 (TJ-LH)
let modelId: string;

let vinSeq = 0;
/** A fresh VIN with a correct check digit. */
const newVin = () => completeVin('LFV2A21K', String(10_000_000 + ++vinSeq).slice(-8));
/** The same VIN with a wrong 9th character. */
const breakCheckDigit = (vin: string) => `${vin.slice(0, 8)}${vin[8] === '1' ? '2' : '1'}${vin.slice(9)}`;

async function insertCustomer(storeId: string, name: string) {
  const [c] = await env.ctx.db.insert(customers).values({ storeId, name }).returning({ id: customers.id });
  return c!.id;
}

beforeAll(async () => {
  env = await createTestEnv();
  org = await seedDemoOrg(env.ctx.db);
  h = {};
  for (const u of ['admin', 'manager1', 'sales1', 'service1', 'marketing1', 'cx1', 'sales2']) h[u] = await login(env.app, u);
  cust1 = await insertCustomer(org.stores[0]!.id, '张三');
  cust2 = await insertCustomer(org.stores[1]!.id, '李四');
  const m = await env.app.inject({
    method: 'POST',
    url: '/api/v1/vehicle-models',
    headers: h.admin,
    payload: { brand: '领航', series: 'L7', name: '2025款 智享版', bodyType: 'suv', powertrain: 'phev', seats: 5, minPriceFen: 18_980_000, maxPriceFen: 23_980_000, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 10_000 },
  });
  expect(m.statusCode).toBe(201);
  modelId = m.json().id;
});
afterAll(() => env.close());

const post = (user: string, url: string, payload: object) => env.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: h[user], payload });
const patch = (user: string, url: string, payload: object) => env.app.inject({ method: 'PATCH', url: `/api/v1${url}`, headers: h[user], payload });
const get = (user: string, url: string) => env.app.inject({ url: `/api/v1${url}`, headers: h[user] });

describe('model catalogue', () => {
  it('is readable by every signed-in role but not anonymously', async () => {
    expect((await env.app.inject({ url: '/api/v1/vehicle-models' })).statusCode).toBe(401);
    const res = await get('marketing1', '/vehicle-models');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([expect.objectContaining({ id: modelId, series: 'L7', bodyType: 'suv', powertrain: 'phev', firstServiceKm: 5000, active: true })]);
  });

  it('only the group admin manages it; duplicates are 409; a bad price band is 400', async () => {
    const body = { brand: '领航', series: 'L9', name: '2025款 旗舰版', bodyType: 'mpv', powertrain: 'bev', seats: 7, minPriceFen: 30_000_000, maxPriceFen: 36_000_000, luxury: true, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 20_000 };
    expect((await post('manager1', '/vehicle-models', body)).statusCode).toBe(403);
    const created = await post('admin', '/vehicle-models', body);
    expect(created.statusCode).toBe(201);
    const dup = await post('admin', '/vehicle-models', body);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().existing).toMatchObject({ type: 'vehicle_model', id: created.json().id });
    expect((await post('admin', '/vehicle-models', { ...body, name: 'x', minPriceFen: 2, maxPriceFen: 1 })).statusCode).toBe(400);
    expect((await patch('admin', `/vehicle-models/${created.json().id}`, { minPriceFen: 40_000_000 })).statusCode).toBe(400);
  });

  it('hides a retired model from the default list but keeps it readable', async () => {
    const m = await post('admin', '/vehicle-models', { brand: '领航', series: 'L5', name: '2019款', bodyType: 'sedan', powertrain: 'ice', seats: 5, minPriceFen: 1, maxPriceFen: 2, luxury: true, maintenanceIntervalMonths: 6, maintenanceIntervalKm: 5000, firstServiceKm: 3000 });
    const id = m.json().id;
    const retired = await patch('admin', `/vehicle-models/${id}`, { active: false });
    expect(retired.statusCode).toBe(200);
    // Only the sent field changes: the model stays a luxury model with its own first-service interval.
    expect(retired.json()).toMatchObject({ active: false, luxury: true, firstServiceKm: 3000 });
    const ids = (await get('sales1', '/vehicle-models?limit=200')).json().items.map((x: { id: string }) => x.id);
    expect(ids).not.toContain(id);
    const all = (await get('sales1', '/vehicle-models?includeInactive=true&limit=200')).json().items.map((x: { id: string }) => x.id);
    expect(all).toContain(id);
  });

  it('pages through the catalogue with a cursor', async () => {
    const first = (await get('sales1', '/vehicle-models?limit=1')).json();
    expect(first.items).toHaveLength(1);
    const second = (await get('sales1', `/vehicle-models?limit=1&cursor=${first.nextCursor}`)).json();
    expect(second.items).toHaveLength(1);
    expect(second.items[0].id).not.toBe(first.items[0].id);
  });
});

describe('POST /vehicles', () => {
  it('401 without a session', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/vehicles', payload: { customerId: cust1, vin: newVin() } });
    expect(res.statusCode).toBe(401);
  });

  it('registers a car with a normalised VIN and plate, in the customer’s store, audited', async () => {
    const vin = newVin();
    const res = await post('sales1', '/vehicles', {
      customerId: cust1,
      vin: ` ${vin.toLowerCase()} `,
      plate: '京a 12345',
      modelId,
      color: '珍珠白',
      purchaseDate: '2026-11-20',
      insuranceExpiry: '2027-11-19',
      lastMileageKm: 12,
    });
    expect(res.statusCode).toBe(201);
    const v = res.json();
    expect(v).toMatchObject({
      customerId: cust1,
      customerName: '张三',
      storeId: org.stores[0]!.id,
      vin,
      plate: '京A·12345',
      modelName: '领航 L7 2025款 智享版',
      model: { id: modelId, bodyType: 'suv', powertrain: 'phev' },
      purchaseDate: '2026-11-20',
      insuranceExpiry: '2027-11-19',
      lastMileageKm: 12,
      lastMileageAt: '2026-11-23',
      status: 'in_use',
    });
    const audit = await env.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'vehicle.create'), eq(auditLog.entityId, v.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.customerId).toBe(cust1);
  });

  it('accepts new-energy plates', async () => {
    const res = await post('service1', '/vehicles', { customerId: cust1, vin: newVin(), plate: '京AD12345' });
    expect(res.statusCode).toBe(201);
    expect(res.json().plate).toBe('京A·D12345');
  });

  it('400 on a wrong VIN check digit, a bad plate, a negative mileage, a future purchase date', async () => {
    const bad = await post('sales1', '/vehicles', { customerId: cust1, vin: breakCheckDigit(newVin()) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ path: 'body.vin' });
    expect(bad.json().errors[0].message).toContain('校验位');
    const plate = await post('sales1', '/vehicles', { customerId: cust1, vin: newVin(), plate: '京A1234' });
    expect(plate.statusCode).toBe(400);
    expect(plate.json().errors[0].path).toBe('body.plate');
    expect((await post('sales1', '/vehicles', { customerId: cust1, vin: newVin(), lastMileageKm: -1 })).statusCode).toBe(400);
    expect((await post('sales1', '/vehicles', { customerId: cust1, vin: newVin(), lastMileageKm: 10.5 })).statusCode).toBe(400);
    const future = await post('sales1', '/vehicles', { customerId: cust1, vin: newVin(), purchaseDate: '2026-11-24' });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors).toEqual([expect.objectContaining({ path: 'body.purchaseDate' })]);
    expect((await post('sales1', '/vehicles', { customerId: cust1, vin: newVin(), purchaseDate: '2026-02-30' })).statusCode).toBe(400);
    expect((await post('sales1', '/vehicles', { customerId: cust1, vin: newVin(), purchaseDate: '2026-11-10', deliveryDate: '2026-11-01' })).statusCode).toBe(400);
    // Nothing was written by the refused requests.
    expect(await env.ctx.db.select().from(vehicles).where(eq(vehicles.customerId, cust1))).toHaveLength(2);
  });

  it('403 for roles that may not write vehicles', async () => {
    expect((await post('marketing1', '/vehicles', { customerId: cust1, vin: newVin() })).statusCode).toBe(403);
    expect((await post('cx1', '/vehicles', { customerId: cust1, vin: newVin() })).statusCode).toBe(403);
  });

  it('404 for a customer of another store; the group admin may register it', async () => {
    const res = await post('sales1', '/vehicles', { customerId: cust2, vin: newVin() });
    expect(res.statusCode).toBe(404);
    const admin = await post('admin', '/vehicles', { customerId: cust2, vin: newVin() });
    expect(admin.statusCode).toBe(201);
    expect(admin.json().storeId).toBe(org.stores[1]!.id);
  });

  it('409 on a duplicate VIN, naming the vehicle that holds it — also when two requests race', async () => {
    const vin = newVin();
    const first = await post('sales1', '/vehicles', { customerId: cust1, vin });
    const dup = await post('sales1', '/vehicles', { customerId: cust1, vin: vin.toLowerCase() });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().existing).toEqual({ type: 'vehicle', id: first.json().id, label: vin });

    const raced = newVin();
    const results = await Promise.all([1, 2, 3].map(() => post('sales1', '/vehicles', { customerId: cust1, vin: raced })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    const winner = results.find((r) => r.statusCode === 201)!.json().id;
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().existing.id).toBe(winner);
  });
});

describe('GET /vehicles', () => {
  it('lists only the actor’s store, finds by plate in any spelling or part of a VIN, and pages', async () => {
    const vin = newVin();
    await post('sales1', '/vehicles', { customerId: cust1, vin, plate: '京B·88888' });
    const mine = (await get('sales1', '/vehicles?limit=200')).json().items;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((v: { storeId: string }) => v.storeId === org.stores[0]!.id)).toBe(true);

    const byPlate = (await get('sales1', `/vehicles?q=${encodeURIComponent('京b88888')}`)).json().items;
    expect(byPlate.map((v: { vin: string }) => v.vin)).toEqual([vin]);
    const byVin = (await get('sales1', `/vehicles?q=${vin.slice(-6).toLowerCase()}`)).json().items;
    expect(byVin.map((v: { vin: string }) => v.vin)).toEqual([vin]);
    expect((await get('sales2', `/vehicles?q=${vin}`)).json().items).toEqual([]);

    const p1 = (await get('sales1', '/vehicles?limit=2')).json();
    expect(p1.items).toHaveLength(2);
    const p2 = (await get('sales1', `/vehicles?limit=2&cursor=${p1.nextCursor}`)).json();
    const ids = [...p1.items, ...p2.items].map((v: { id: string }) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await get('sales1', '/vehicles?cursor=garbage')).statusCode).toBe(400);
    const tampered = Buffer.from(JSON.stringify(["' or 1=1"])).toString('base64url');
    expect((await get('sales1', `/vehicles?cursor=${tampered}`)).statusCode).toBe(400);
  });

  it('404 for another store’s vehicle', async () => {
    const other = await post('admin', '/vehicles', { customerId: cust2, vin: newVin() });
    expect((await get('sales1', `/vehicles/${other.json().id}`)).statusCode).toBe(404);
    expect((await get('sales2', `/vehicles/${other.json().id}`)).statusCode).toBe(200);
    expect((await patch('sales1', `/vehicles/${other.json().id}`, { color: '黑' })).statusCode).toBe(404);
  });
});

describe('PATCH /vehicles/{id}', () => {
  it('updates fields, refuses a VIN held by another car, and can hand the car to another owner', async () => {
    const a = (await post('sales1', '/vehicles', { customerId: cust1, vin: newVin() })).json();
    const b = (await post('sales1', '/vehicles', { customerId: cust1, vin: newVin() })).json();
    const res = await patch('service1', `/vehicles/${a.id}`, { plate: '粤B12345D', warrantyEnd: '2029-11-30', lastMileageKm: 3200 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ plate: '粤B·12345D', warrantyEnd: '2029-11-30', lastMileageKm: 3200, lastMileageAt: '2026-11-23' });
    const cleared = await patch('service1', `/vehicles/${a.id}`, { plate: null });
    expect(cleared.json().plate).toBeNull();

    const dup = await patch('sales1', `/vehicles/${a.id}`, { vin: b.vin });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().existing.id).toBe(b.id);

    const other = await insertCustomer(org.stores[0]!.id, '王五');
    const moved = await patch('sales1', `/vehicles/${a.id}`, { customerId: other });
    expect(moved.json()).toMatchObject({ customerId: other, customerName: '王五' });
    expect((await patch('sales1', `/vehicles/${a.id}`, { customerId: cust2 })).statusCode).toBe(404);
    expect((await patch('marketing1', `/vehicles/${a.id}`, { color: '红' })).statusCode).toBe(403);
  });
});

describe('reassignCustomer', () => {
  it('moves every vehicle of the merged customer to the survivor and the survivor’s store', async () => {
    const from = await insertCustomer(org.stores[1]!.id, '合并前');
    const to = await insertCustomer(org.stores[0]!.id, '合并后');
    const v = (await post('admin', '/vehicles', { customerId: from, vin: newVin() })).json();
    const moved = await env.ctx.db.transaction((tx) => env.ctx.services.vehicles.reassignCustomer(tx, from, to));
    expect(moved).toBe(1);
    const [row] = await env.ctx.db.select().from(vehicles).where(eq(vehicles.id, v.id));
    expect(row).toMatchObject({ customerId: to, storeId: org.stores[0]!.id });
  });
});

describe('OpenAPI', () => {
  it('documents the vehicle, sales-order and repair-order routes', async () => {
    const res = await env.app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const p of ['/api/v1/vehicle-models', '/api/v1/vehicles/{id}', '/api/v1/sales-orders/{id}/milestones', '/api/v1/service-orders/{id}/stages']) expect(paths).toContain(p);
  });
});
