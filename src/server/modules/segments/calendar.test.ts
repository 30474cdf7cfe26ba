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
import { churnRiskSql, storedAnchors, sweepOnSql, tradeInCandidateSql, tradeInScoreSql } from './calendar.js';
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

describe('sweep_on is the day a swept value changes', () => {
  // Anchors as customer_facts stores them, drawn widely around the store settings' ranges (default: 4 years, 80,000 km).
  const anchors = fc.record({
    oldest: fc.option(fc.integer({ min: -6000, max: 0 }), { freq: 8 }),
    km: fc.integer({ min: 0, max: 250_000 }),
    kmDay: fc.integer({ min: -900, max: 40 }),
    rate: fc.oneof(fc.constant(0), fc.integer({ min: 5, max: 4000 }).map((x) => x / 10), fc.integer({ min: 2000, max: 8000 }).map((x) => x / 100)),
    base: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3000 }).map((x) => x / 100)),
    ageYears: fc.oneof(fc.constant(4), fc.integer({ min: 5, max: 120 }).map((x) => x / 10)),
    mileage: fc.oneof(fc.constant(80_000), fc.integer({ min: 1000, max: 300_000 })),
    since: fc.option(fc.integer({ min: -1500, max: 0 }), { freq: 8 }),
    medium: fc.integer({ min: 1, max: 400 }),
    high: fc.integer({ min: 0, max: 400 }),
    otherHit: fc.boolean(),
  });

  it('never later than the first change of churn risk, trade-in candidate or score, and on it for the default settings', async () => {
    const T = '2026-11-23';
    const a = storedAnchors('x');
    const at = (d: string) => sql`(${churnRiskSql(sql.raw(d), a)}, ${tradeInCandidateSql(sql.raw(d), a)}, ${tradeInScoreSql(sql.raw(d), a)})::text`;
    let exact = 0;
    let early = 0;
    let changing = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(anchors, { minLength: 20, maxLength: 20 }), async (rows) => {
        const values = sql.join(
          rows.map((r, i) => sql`(${i}::int, 1, ${r.oldest === null ? null : addDays(T, r.oldest)}::date, ${r.km}::int, ${addDays(T, r.kmDay)}::date, ${r.rate}::real,
            ${r.base}::real, ${r.ageYears}::real, ${r.mileage}::int, ${r.since === null ? null : addDays(T, r.since)}::date, ${r.medium}::int,
            ${r.medium + r.high}::int, '{}'::text[], ${r.otherHit}::boolean)`),
          sql`, `,
        );
        const res = await db().execute<{ i: number; sweep_on: string | null; first_change: string | null }>(sql`
          select x.i, ${sweepOnSql(sql`${T}::date`, a)}::text as sweep_on,
            (select min(d)::text from generate_series(${T}::date + 1, ${T}::date + 4000, interval '1 day') g(t), lateral (select g.t::date as d) dd
              where ${at('dd.d')} <> ${at(`'${T}'::date`)}) as first_change
          from (values ${values}) x(i, vehicle_count, oldest_vehicle_day, km_anchor_km, km_anchor_day, km_per_day, trade_in_base,
            trade_in_age_years, trade_in_mileage_km, churn_since, churn_medium_days, churn_high_days, trade_in_other_reasons, trade_in_other_hit)
          order by x.i`);
        for (const r of res.rows) {
          const row = rows[r.i]!;
          if (r.first_change !== null) {
            changing++;
            // never later than the change
            expect(r.sweep_on, JSON.stringify(row)).not.toBeNull();
            expect(r.sweep_on! <= r.first_change, JSON.stringify({ row, ...r })).toBe(true);
            if (r.sweep_on === r.first_change) exact++;
            else early++;
            // with the default thresholds (and a line already started) a change comes within the steps looked at: exact
            if (row.ageYears === 4 && row.mileage === 80_000 && row.kmDay <= 0) expect(r.sweep_on, JSON.stringify(row)).toBe(r.first_change);
          }
        }
      }),
      { numRuns: 30, seed: 20261202 },
    );
    // The property says little unless most rows change within the horizon, and most on the day computed.
    expect(changing).toBeGreaterThan(300);
    expect(exact).toBeGreaterThan(early * 4);
  }, 120_000);
});
