import { eq, getTableColumns } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { vehicles } from '../vehicles/schema.js';
import { liveCustomerFields, liveVehicleFields } from './calendar.js';
import { customerFacts, vehicleFacts } from './schema.js';
import { insertBehaviour, insertCustomer, insertModel, insertRo, insertVehicle, tagCustomer } from './test-fixtures.js';

// The clock: 2026-11-23 10:00 in Beijing. Every date below is relative to that day.
const TODAY = '2026-11-23';
let env: TestEnv;
let org: SeededOrg;
let store1: string;
let store2: string;

beforeAll(async () => {
  env = await createTestEnv({ now: '2026-11-23T02:00:00Z' });
  org = await seedDemoOrg(env.ctx.db);
  [store1, store2] = org.stores.map((s) => s.id) as [string, string];
});
afterAll(() => env.close());

const db = () => env.ctx.db;
// The stored row with the values computed when read, as of the test's day.
const factsOf = async (customerId: string) =>
  (await db().select({ ...getTableColumns(customerFacts), ...liveCustomerFields(TODAY) }).from(customerFacts).where(eq(customerFacts.customerId, customerId)))[0];
const vehicleFactsOf = async (vehicleId: string) =>
  (await db().select({ ...getTableColumns(vehicleFacts), ...liveVehicleFields(TODAY) }).from(vehicleFacts).where(eq(vehicleFacts.vehicleId, vehicleId)))[0];

/** An owner with one car delivered on `delivered` (model: maintenance every 6 months / 5,000 km, first at 3 months / 3,000 km). */
async function owner(delivered: string, opts: { storeId?: string; model?: Awaited<ReturnType<typeof insertModel>>; customer?: Parameters<typeof insertCustomer>[1] } = {}) {
  const c = await insertCustomer(db(), { storeId: opts.storeId ?? store1, ...opts.customer });
  const model = opts.model ?? (await insertModel(db()));
  const v = await insertVehicle(db(), c, { modelId: model.id, purchaseDate: delivered, deliveryDate: delivered });
  return { c, v, model };
}

describe('lifecycle stage by car age (table, fixed clock)', () => {
  const cases: { name: string; delivered: string | null; stage: string }[] = [
    { name: 'no car → prospect', delivered: null, stage: 'prospect' },
    { name: 'delivered 6 months ago → new owner', delivered: '2026-05-23', stage: 'new_owner' },
    { name: 'delivered 364 days ago → new owner', delivered: '2025-11-24', stage: 'new_owner' },
    { name: 'delivered 13 months ago → regular', delivered: '2025-10-23', stage: 'regular' },
    { name: 'delivered 2.9 years ago → regular', delivered: '2024-01-01', stage: 'regular' },
    { name: 'delivered 3.5 years ago → replacement', delivered: '2023-05-23', stage: 'replacement' },
  ];
  const ids = new Map<string, string>();
  beforeAll(async () => {
    for (const k of cases) {
      if (k.delivered) ids.set(k.name, (await owner(k.delivered)).c.id);
      else ids.set(k.name, (await insertCustomer(db(), { storeId: store1 })).id);
    }
    await env.ctx.services.segments.refreshFacts({ customerIds: [...ids.values()] });
  });
  it.each(cases)('$name', async (k) => {
    expect((await factsOf(ids.get(k.name)!))?.lifecycleStage).toBe(k.stage);
  });

  it('a store can move the thresholds: with "new owner" up to 2 years, a 13-month-old car is new there', async () => {
    const h = await login(env.app, 'manager2');
    const put = await env.app.inject({ method: 'PUT', url: '/api/v1/segments/settings', headers: h, payload: { storeId: store2, overrides: { newOwnerMaxYears: 2 } } });
    expect(put.statusCode).toBe(200);
    expect(put.json().effective.newOwnerMaxYears).toBe(2);
    const here = await owner('2025-10-23', { storeId: store2 });
    const there = await owner('2025-10-23', { storeId: store1 });
    await env.ctx.services.segments.refreshFacts({ customerIds: [here.c.id, there.c.id] });
    expect((await factsOf(here.c.id))?.lifecycleStage).toBe('new_owner');
    expect((await factsOf(there.c.id))?.lifecycleStage).toBe('regular');
  });
});

describe('mileage and maintenance', () => {
  it('estimates mileage from two RO readings: km per day × days since the last reading', async () => {
    const { c, v } = await owner('2025-09-01');
    // 2026-01-01 → 2026-07-01 is 181 days and 9,050 km: 50 km/day; today is 145 days after the last reading.
    await insertRo(db(), v, '2026-01-01', { kind: 'repair', mileageKm: 10_000 });
    await insertRo(db(), v, '2026-07-01', { kind: 'repair', mileageKm: 19_050 });
    await env.ctx.services.segments.refreshFacts({ customerIds: [c.id] });
    const vf = (await vehicleFactsOf(v.id))!;
    expect(vf.kmPerDay).toBeCloseTo(50, 3);
    expect(vf.lastReadingKm).toBe(19_050);
    expect(vf.lastReadingDate).toBe('2026-07-01');
    expect(vf.estimatedMileageKm).toBe(26_000); // 19,050 + 50 × 145 = 26,300, stored to the nearest 1,000 km
    expect((await factsOf(c.id))?.maxEstimatedMileageKm).toBe(26_000);
  });

  it('next maintenance is whichever comes first: the km limit for a car driven a lot…', async () => {
    const { c, v } = await owner('2025-09-01');
    await insertRo(db(), v, '2026-01-01', { kind: 'repair', mileageKm: 10_000 });
    await insertRo(db(), v, '2026-07-01', { kind: 'maintenance', mileageKm: 19_050 });
    await env.ctx.services.segments.refreshFacts({ customerIds: [c.id] });
    const vf = (await vehicleFactsOf(v.id))!;
    // Due at 24,050 km; at 50 km/day the car passed it 45 days ago (estimate 26,300 today); 6 months would be 2027-01-01.
    expect(vf.nextMaintenanceDueKm).toBe(24_050);
    expect(vf.nextMaintenanceDueDate).toBe('2026-10-09');
    expect(vf.firstServiceDone).toBe(true);
  });

  it('…and the month limit for a car that is barely driven', async () => {
    const { c, v } = await owner('2025-09-01');
    await insertRo(db(), v, '2026-01-01', { kind: 'repair', mileageKm: 3_000 });
    await insertRo(db(), v, '2026-07-01', { kind: 'maintenance', mileageKm: 4_810 }); // 10 km/day
    await env.ctx.services.segments.refreshFacts({ customerIds: [c.id] });
    const vf = (await vehicleFactsOf(v.id))!;
    expect(vf.nextMaintenanceDueKm).toBe(9_810);
    expect(vf.nextMaintenanceDueDate).toBe('2027-01-01');
  });

  it('before any service, the first service is due by the model’s first-service months or km', async () => {
    // Delivered 53 days ago; no readings: the store default of 40 km/day gives ~2,120 km today; 3,000 km in 22 more days.
    const { c, v } = await owner('2026-10-01');
    await env.ctx.services.segments.refreshFacts({ customerIds: [c.id] });
    const vf = (await vehicleFactsOf(v.id))!;
    expect(vf.firstServiceDone).toBe(false);
    expect(vf.estimatedMileageKm).toBe(2_000); // 2,120 to the nearest 1,000
    expect(vf.nextMaintenanceDueKm).toBe(3_000);
    expect(vf.nextMaintenanceDueDate).toBe('2026-12-15');
    expect((await factsOf(c.id))?.nextMaintenanceDueDate).toBe('2026-12-15');
  });

  it('days to insurance expiry and the warranty end (3 years after delivery when the record has none)', async () => {
    const c = await insertCustomer(db(), { storeId: store1 });
    const v = await insertVehicle(db(), c, { purchaseDate: '2025-03-10', deliveryDate: '2025-03-12', insuranceExpiry: '2026-12-23' });
    await env.ctx.services.segments.refreshFacts({ customerIds: [c.id] });
    const vf = (await vehicleFactsOf(v.id))!;
    expect(vf.insuranceExpiry).toBe('2026-12-23');
    expect(vf.warrantyEnd).toBe('2028-03-12');
    expect((await factsOf(c.id))?.nextInsuranceExpiry).toBe('2026-12-23');
  });
});

describe('value tier, needs, churn and trade-in', () => {
  it('spend of ¥10,000 in 12 months makes a high-value customer; older spend does not count', async () => {
    const big = await owner('2024-05-01');
    await insertRo(db(), big.v, '2026-03-01', { kind: 'repair', labourFen: 400_000, partsFen: 600_000 });
    const old = await owner('2024-05-01');
    await insertRo(db(), old.v, '2025-11-01', { kind: 'repair', labourFen: 400_000, partsFen: 600_000 });
    await env.ctx.services.segments.refreshFacts({ customerIds: [big.c.id, old.c.id] });
    expect(await factsOf(big.c.id)).toMatchObject({ valueTier: 'high_value', spend12mFen: 1_000_000, visits12m: 1 });
    expect(await factsOf(old.c.id)).toMatchObject({ valueTier: 'regular', spend12mFen: 0, visits12m: 0 });
  });

  it('a luxury model makes a high-value customer; an MPV makes a family, 企业主 a business, age 25 a young profile', async () => {
    const lux = await owner('2025-01-01', { model: await insertModel(db(), { luxury: true, bodyType: 'mpv', seats: 7 }), customer: { storeId: store1, occupation: '企业主', birthday: '2001-06-01' } });
    await env.ctx.services.segments.refreshFacts({ customerIds: [lux.c.id] });
    expect(await factsOf(lux.c.id)).toMatchObject({ valueTier: 'high_value', needs: ['family', 'business', 'young'], age: 25 });
  });

  it('a car with no delivery date and no reading adds nothing for age or mileage to the trade-in score', async () => {
    const c = await insertCustomer(db(), { storeId: store1 });
    await insertVehicle(db(), c, { modelId: (await insertModel(db())).id });
    await env.ctx.services.segments.refreshFacts({ customerIds: [c.id] });
    const f = (await factsOf(c.id))!;
    expect(f).toMatchObject({ vehicleCount: 1, tradeInScore: 0, tradeInCandidate: false });
    expect(f.tradeInReasons).toEqual([]);
  });

  it('a small spender asking for a valuation is potential and a replacement customer, with the reasons in words', async () => {
    const { c, v } = await owner('2024-06-01');
    await insertRo(db(), v, '2026-06-01', { kind: 'repair' });
    await insertRo(db(), v, '2026-08-01', { kind: 'repair' });
    await insertRo(db(), v, '2026-10-01', { kind: 'accident' });
    await insertBehaviour(db(), c, 'valuation.requested', '2026-11-01');
    await insertBehaviour(db(), c, 'model.viewed', '2026-11-02');
    await insertBehaviour(db(), c, 'model.viewed', '2026-11-03');
    await insertBehaviour(db(), c, 'model.viewed', '2025-01-01'); // outside the 180-day window
    await env.ctx.services.segments.refreshFacts({ customerIds: [c.id] });
    const f = (await factsOf(c.id))!;
    expect(f).toMatchObject({ valueTier: 'potential', lifecycleStage: 'replacement', hasTradeInIntent: true, tradeInCandidate: true, repairs6m: 3 });
    expect(f.tradeInReasons).toEqual(['6 个月内维修 3 次', '浏览新车 2 次', '申请估价 1 次']);
  });

  it('an old, high-mileage car explains its trade-in score', async () => {
    const { c, v } = await owner('2021-09-01');
    await insertRo(db(), v, '2022-09-01', { mileageKm: 20_000 });
    await insertRo(db(), v, '2025-09-01', { mileageKm: 80_000 }); // 60,000 km in 1,096 days
    await tagCustomer(db(), c, '置换意向');
    await env.ctx.services.segments.refreshFacts({ customerIds: [c.id] });
    const f = (await factsOf(c.id))!;
    expect(f.tradeInReasons).toEqual(['车龄 5.2 年', '预计 105,000 km', '标签：置换意向']);
    expect(f.tradeInScore).toBeGreaterThanOrEqual(85);
    expect(f.churnRisk).toBe('high'); // no visit for 448 days
  });

  it('churn risk: medium after 180 days without a visit, low within', async () => {
    const a = await owner('2023-01-01');
    await insertRo(db(), a.v, '2026-04-01');
    const b = await owner('2023-01-01');
    await insertRo(db(), b.v, '2026-09-01');
    await env.ctx.services.segments.refreshFacts({ customerIds: [a.c.id, b.c.id] });
    expect((await factsOf(a.c.id))?.churnRisk).toBe('medium');
    expect((await factsOf(b.c.id))?.churnRisk).toBe('low');
  });
});

describe('incremental refresh', () => {
  it('recomputes a customer after an RO closes (the domain event), once', async () => {
    const { c, v } = await owner('2024-01-01', { storeId: store1 });
    await env.ctx.services.segments.refreshFacts({ customerIds: [c.id] });
    expect(await factsOf(c.id)).toMatchObject({ visits12m: 0, lastVisitAt: null });

    const h = await login(env.app, 'service1');
    const ro = await env.app.inject({ method: 'POST', url: '/api/v1/service-orders', headers: h, payload: { vehicleId: v.id, kind: 'maintenance', mileageKm: 30_000, labourFen: 30_000, partsFen: 20_000 } });
    expect(ro.statusCode).toBe(201);
    const done = await env.app.inject({ method: 'POST', url: `/api/v1/service-orders/${ro.json().id}/stages`, headers: h, payload: { stage: 'delivered' } });
    expect(done.statusCode).toBe(201);

    const first = await env.ctx.services.segments.refreshChanged();
    expect(first.events).toBeGreaterThanOrEqual(2); // opened and closed
    expect(await factsOf(c.id)).toMatchObject({ visits12m: 1, spend12mFen: 50_000 });
    expect((await factsOf(c.id))?.lastVisitAt).not.toBeNull();
    expect((await vehicleFactsOf(v.id))?.firstServiceDone).toBe(true);

    const again = await env.ctx.services.segments.refreshChanged();
    expect(again.events).toBe(0);
  });

  it('a marketing consent granted in the console reaches the facts with the next event run', async () => {
    const { c } = await owner('2024-01-01');
    await env.ctx.services.segments.refreshFacts({ customerIds: [c.id] });
    expect((await factsOf(c.id))?.consentSmsMarketing).toBe(false);
    const h = await login(env.app, 'sales1');
    const put = await env.app.inject({ method: 'PUT', url: `/api/v1/customers/${c.id}/consents/sms/marketing`, headers: h, payload: { granted: true, source: '到店签字' } });
    expect(put.statusCode).toBe(200);
    await env.ctx.services.segments.refreshChanged();
    expect((await factsOf(c.id))?.consentSmsMarketing).toBe(true);
  });

  it('a car no longer in use loses its facts and stops counting for its owner', async () => {
    const { c, v } = await owner('2024-01-01');
    const second = await insertVehicle(db(), c, { purchaseDate: '2025-06-01', deliveryDate: '2025-06-01' });
    await env.ctx.services.segments.refreshFacts({ customerIds: [c.id] });
    expect((await factsOf(c.id))?.vehicleCount).toBe(2);
    await db().update(vehicles).set({ status: 'sold' }).where(eq(vehicles.id, second.id));
    await env.ctx.services.segments.refreshFacts({ customerIds: [c.id] });
    expect(await vehicleFactsOf(second.id)).toBeUndefined();
    expect(await vehicleFactsOf(v.id)).toBeDefined();
    expect((await factsOf(c.id))?.vehicleCount).toBe(1);
  });

  it('a full refresh and a repeated one change nothing the second time', async () => {
    const first = await env.ctx.services.segments.refreshFacts();
    expect(first.kind).toBe('full');
    expect(first.customers).toBeGreaterThan(10);
    const second = await env.ctx.services.segments.refreshFacts({ asOf: TODAY });
    expect(second.changedCustomers).toBe(0);
    expect(second.changedVehicles).toBe(0);
  });
});
