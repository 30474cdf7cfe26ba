/**
 * The daily refresh (calendar sweep + the customers due) against a full recomputation from the records, day after
 * day on generated data: whatever the sweep and `stale_on` skip, a full refresh on the same day must find nothing to
 * change. Days are stepped at random (1 to 45 days, so that windows, birthdays, thresholds and estimate steps are
 * crossed and skipped over), with a few record changes on the way (new repair orders, a new car, a visit).
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../seed/demo.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { addDays } from './rules.js';
import { insertCustomer, insertRo, insertVehicle } from './test-fixtures.js';

const START = '2026-11-23';
let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({ now: '2026-11-23T02:00:00Z' });
  await seedDemo(env.ctx.db, { size: 400, seed: 11, asOf: START });
}, 120_000);
afterAll(() => env?.close());

const db = () => env.ctx.db;
const svc = () => env.ctx.services.segments;

async function snapshot() {
  const c = await db().execute(sql`select * from customer_facts order by customer_id`);
  const v = await db().execute(sql`select * from vehicle_facts order by vehicle_id`);
  const strip = (r: Record<string, unknown>) => {
    const { as_of: _a, computed_at: _c, ...rest } = r;
    return rest;
  };
  return { c: c.rows.map(strip), v: v.rows.map(strip) };
}

describe('daily refresh = full refresh, day by day', () => {
  it('after each daily run, a full refresh of the same day changes nothing', async () => {
    const first = await svc().refreshDaily(START);
    expect(first.kind).toBe('full');
    expect(first.customers).toBeGreaterThan(300);
    let day = START;
    let swept = 0;
    let due = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 45 }), fc.integer({ min: 0, max: 3 }), async (step, change) => {
        day = addDays(day, step);
        // A change of records on some days: the event path would refresh those customers; here the daily run must.
        if (change === 1) {
          const [r] = (await db().execute<{ id: string; customer_id: string; store_id: string }>(sql`
            select v.id, v.customer_id, v.store_id from vehicles v where v.status = 'in_use' order by md5(v.id::text || ${day}) limit 1`)).rows;
          if (r) {
            await insertRo(db(), { id: r.id, customerId: r.customer_id, storeId: r.store_id }, day, { kind: 'repair', mileageKm: 90_000 + step * 100 });
            await svc().refreshFacts({ asOf: day, customerIds: [r.customer_id] });
          }
        } else if (change === 2) {
          const [c] = (await db().execute<{ id: string; store_id: string }>(sql`
            select id, store_id from customers where status = 'active' order by md5(id::text || ${day}) limit 1`)).rows;
          if (c) {
            await insertVehicle(db(), { id: c.id, storeId: c.store_id }, { purchaseDate: addDays(day, -2000), deliveryDate: addDays(day, -2000), lastMileageKm: 140_000, lastMileageAt: addDays(day, -30) });
            await svc().refreshFacts({ asOf: day, customerIds: [c.id] });
          }
        }
        const daily = await svc().refreshDaily(day);
        expect(daily.kind).toBe('daily');
        swept += daily.sweptCustomers ?? 0;
        due += daily.due ?? 0;
        const before = await snapshot();
        const full = await svc().refreshAll(day);
        const after = await snapshot();
        // Compare the rows themselves first: a failure then names the column and the customer.
        expect(after.c).toEqual(before.c);
        expect(after.v).toEqual(before.v);
        expect({ day, changedCustomers: full.changedCustomers, changedVehicles: full.changedVehicles }).toEqual({ day, changedCustomers: 0, changedVehicles: 0 });
      }),
      { numRuns: 25, seed: 20261202 },
    );
    // The property is only meaningful if the sweep and the due set did work on the way.
    expect(swept).toBeGreaterThan(0);
    expect(due).toBeGreaterThan(0);
  }, 300_000);

  it('a settings change, or a run for an earlier day, makes the next daily refresh a full one', async () => {
    const last = (await db().execute<{ d: string }>(sql`select max(as_of)::text as d from segment_fact_runs where finished_at is not null`)).rows[0]!.d;
    expect((await svc().refreshDaily(addDays(last, -3))).kind).toBe('full');
    expect((await svc().refreshDaily(addDays(last, 1))).kind).toBe('daily');
    const h = await login(env.app, 'admin');
    const put = await env.app.inject({ method: 'PUT', url: '/api/v1/segments/settings', headers: h, payload: { storeId: null, overrides: { churnHighDays: 400 } } });
    expect(put.statusCode).toBe(200);
    expect((await svc().refreshDaily(addDays(last, 2))).kind).toBe('full');
    expect((await svc().refreshDaily(addDays(last, 3))).kind).toBe('daily');
  }, 120_000);

  it('a daily refresh also computes a customer created since the last run and drops the facts of one merged away', async () => {
    const last = (await db().execute<{ d: string }>(sql`select max(as_of)::text as d from segment_fact_runs where finished_at is not null`)).rows[0]!.d;
    const [store] = (await db().execute<{ id: string }>(sql`select id from stores order by id limit 1`)).rows;
    const fresh = await insertCustomer(db(), { storeId: store!.id });
    const [merged] = (await db().execute<{ id: string }>(sql`update customers set status = 'merged'
      where id = (select customer_id from customer_facts order by customer_id limit 1) returning id`)).rows;
    const hasFacts = async (id: string) => (await db().execute(sql`select 1 from customer_facts where customer_id = ${id}`)).rows.length > 0;
    expect(await hasFacts(fresh.id)).toBe(false);
    expect(await hasFacts(merged!.id)).toBe(true);
    const daily = await svc().refreshDaily(addDays(last, 1));
    expect(daily.kind).toBe('daily');
    expect(await hasFacts(fresh.id)).toBe(true);
    expect(await hasFacts(merged!.id)).toBe(false);
  }, 120_000);

  it('a daily refresh with more customers due than its limit refreshes everyone', async () => {
    const last = (await db().execute<{ d: string }>(sql`select max(as_of)::text as d from segment_fact_runs where finished_at is not null`)).rows[0]!.d;
    await db().execute(sql`update customer_facts set stale_on = ${last}::date`);
    const r = await svc().refreshFacts({ asOf: addDays(last, 1), due: true, dueFullAbove: 10 });
    expect(r.kind).toBe('full');
    expect(r.due).toBeGreaterThan(10);
    expect(r.customers).toBeGreaterThan(300);
  }, 120_000);
});
