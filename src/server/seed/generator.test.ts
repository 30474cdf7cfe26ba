import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZId } from '../../contracts/common.js';
import { isNewEnergyPlate, normalizeMobile, validatePlate, validateVin } from '../../contracts/validators.js';
import type { TDb } from '../db/index.js';
import { createTestEnv, type TestEnv } from '../testing/harness.js';
import { seedCatalogue } from './catalogue.js';
import { seedDemo } from './demo.js';
import { seedDemoOrg } from './org.js';
import { generateDemoData, type GenerateResult } from './generator.js';

const SIZE = 300;
const AS_OF = '2026-11-23'; // 10:00 Beijing = the harness clock
const NOW = new Date('2026-11-23T02:00:00Z');

let env: TestEnv;
let twin: TestEnv;
let result: GenerateResult;

const rows = async <T>(db: TDb, text: string) => (await db.execute(sql.raw(text))).rows as T[];
/** Raw queries return timestamptz as text. */
const ms = (v: Date | string) => new Date(v).getTime();

beforeAll(async () => {
  [env, twin] = await Promise.all([createTestEnv(), createTestEnv()]);
  result = await seedDemo(env.ctx.db, { size: SIZE, seed: 7, asOf: AS_OF });
  await seedDemo(twin.ctx.db, { size: SIZE, seed: 7, asOf: AS_OF });
});
afterAll(async () => {
  await env?.close();
  await twin?.close();
});

describe('volumes', () => {
  it('generates the requested owners with about 1.5 cars each, ~10% prospects and years of service history', async () => {
    type Counts = { customers: number; vehicles: number; ros: number; orders: number; prospects: number; interactions: number; behaviour: number; tags: number; consents: number };
    const [c] = await rows<Counts>(
      env.ctx.db,
      `SELECT (SELECT count(*)::int FROM customers) AS customers, (SELECT count(*)::int FROM vehicles) AS vehicles,
        (SELECT count(*)::int FROM repair_orders) AS ros, (SELECT count(*)::int FROM sales_orders) AS orders,
        (SELECT count(*)::int FROM customers c WHERE NOT EXISTS (SELECT 1 FROM vehicles v WHERE v.customer_id = c.id)) AS prospects,
        (SELECT count(*)::int FROM interactions) AS interactions, (SELECT count(*)::int FROM behaviour_events) AS behaviour,
        (SELECT count(*)::int FROM customer_tags) AS tags, (SELECT count(*)::int FROM customer_consents) AS consents`,
    );
    expect(c).toMatchObject({ customers: SIZE });
    expect(result.customers).toBe(SIZE);
    expect(result.vehicles).toBe(c!.vehicles);
    expect(c!.vehicles / SIZE).toBeGreaterThan(1.3);
    expect(c!.vehicles / SIZE).toBeLessThan(1.7);
    expect(c!.prospects / SIZE).toBeGreaterThan(0.04);
    expect(c!.prospects / SIZE).toBeLessThan(0.18);
    expect(c!.ros / c!.vehicles).toBeGreaterThan(4);
    expect(c!.ros / c!.vehicles).toBeLessThan(10);
    expect(c!.orders).toBeGreaterThan(0.8 * c!.vehicles);
    for (const k of ['interactions', 'behaviour', 'tags'] as const) expect(c![k]).toBeGreaterThan(SIZE / 3);
    expect(c!.consents).toBeGreaterThan(2 * SIZE);
  });

  it('puts every store to work: owners, consultants and advisors in each, the brand’s own models only', async () => {
    const perStore = await rows<{ code: string; customers: number; consultants: number; advisors: number; foreign_models: number }>(
      env.ctx.db,
      `SELECT s.code, count(DISTINCT c.id)::int AS customers, count(DISTINCT c.sales_consultant_id)::int AS consultants,
         count(DISTINCT c.service_advisor_id)::int AS advisors,
         (SELECT count(*)::int FROM vehicles v JOIN vehicle_models m ON m.id = v.model_id WHERE v.store_id = s.id AND NOT m.brand = ANY (s.brands)) AS foreign_models
       FROM stores s JOIN customers c ON c.store_id = s.id GROUP BY s.id ORDER BY s.code`,
    );
    expect(perStore.map((s) => s.code)).toEqual(['BJ-JG', 'BJ-LH', 'TJ-LH']);
    for (const s of perStore) {
      expect(s.customers).toBeGreaterThan(SIZE / 6);
      expect(s.consultants).toBeGreaterThan(0);
      expect(s.advisors).toBeGreaterThan(0);
      expect(s.foreign_models).toBe(0);
    }
    const staffOfOtherStore = await rows<{ n: number }>(
      env.ctx.db,
      `SELECT count(*)::int AS n FROM customers c JOIN staff s ON s.id IN (c.sales_consultant_id, c.service_advisor_id) WHERE s.store_id <> c.store_id`,
    );
    expect(staffOfOtherStore[0]!.n).toBe(0);
  });
});

describe('identifiers are valid', () => {
  it('gives every customer a unique, valid +86 mobile', async () => {
    const list = await rows<{ mobile: string }>(env.ctx.db, 'SELECT mobile FROM customers');
    expect(list).toHaveLength(SIZE);
    for (const { mobile } of list) expect(normalizeMobile(mobile)).toEqual({ ok: true, value: mobile });
    expect(new Set(list.map((r) => r.mobile)).size).toBe(SIZE);
  });

  it('gives every record a UUIDv7 id the API contracts accept, ordered by the record’s own time', async () => {
    for (const [table, at] of [['customers', 'created_at'], ['vehicles', 'created_at'], ['repair_orders', 'opened_at'], ['sales_order_milestones', 'at'], ['interactions', 'occurred_at']]) {
      const list = await rows<{ id: string; at: string }>(env.ctx.db, `SELECT id, ${at} AS at FROM ${table} ORDER BY random() LIMIT 200`);
      for (const r of list) {
        expect(ZId.safeParse(r.id).success).toBe(true);
        expect(r.id.charAt(14)).toBe('7');
        // The first 48 bits are the record's milliseconds, as with the app's uuid v7 ids.
        expect(parseInt(r.id.replace(/-/g, '').slice(0, 12), 16)).toBe(Math.floor(ms(r.at)));
      }
    }
  });

  it('gives every vehicle a unique VIN with a correct check digit', async () => {
    const list = await rows<{ vin: string }>(env.ctx.db, 'SELECT vin FROM vehicles');
    for (const { vin } of list) expect(validateVin(vin)).toEqual({ ok: true, value: vin });
    expect(new Set(list.map((r) => r.vin)).size).toBe(list.length);
  });

  it('gives plates of the store’s city, green new-energy plates exactly for BEV/PHEV', async () => {
    const list = await rows<{ plate: string | null; city: string; powertrain: string }>(
      env.ctx.db,
      'SELECT v.plate, s.city, m.powertrain FROM vehicles v JOIN stores s ON s.id = v.store_id JOIN vehicle_models m ON m.id = v.model_id',
    );
    const plated = list.filter((r) => r.plate !== null);
    expect(plated.length).toBeGreaterThan(0.95 * list.length);
    for (const r of plated) {
      expect(validatePlate(r.plate!)).toEqual({ ok: true, value: r.plate });
      expect(r.plate!.charAt(0)).toBe(r.city === '天津' ? '津' : '京');
      expect(isNewEnergyPlate(r.plate!)).toBe(r.powertrain === 'bev' || r.powertrain === 'phev');
    }
    expect(new Set(plated.map((r) => r.plate)).size).toBe(plated.length);
  });
});

describe('histories are consistent', () => {
  it('never lets the odometer run backwards, and the vehicle keeps its latest reading', async () => {
    const [bad] = await rows<{ backwards: number; stale: number }>(
      env.ctx.db,
      `SELECT
        (SELECT count(*)::int FROM (SELECT mileage_km < lag(mileage_km) OVER (PARTITION BY vehicle_id ORDER BY opened_at) AS b FROM repair_orders) x WHERE b) AS backwards,
        (SELECT count(*)::int FROM vehicles v WHERE v.last_mileage_km < (SELECT max(mileage_km) FROM repair_orders r WHERE r.vehicle_id = v.id)) AS stale`,
    );
    expect(bad).toEqual({ backwards: 0, stale: 0 });
    const [plausible] = await rows<{ n: number }>(
      env.ctx.db,
      // 8,000–25,000 km a year per owner (±15% per car): nothing beyond 30,000 km/year after the first months.
      `SELECT count(*)::int AS n FROM repair_orders r JOIN vehicles v ON v.id = r.vehicle_id
       WHERE r.opened_at > v.delivery_date + 90 AND r.mileage_km / ((r.opened_at::date - v.delivery_date) / 365.25) > 30000`,
    );
    expect(plausible!.n).toBe(0);
  });

  it('closes every repair order except a few in the workshop now, whose stage history ends at their stage', async () => {
    const ros = await rows<{ stage: string; closed_at: string | null; opened_at: string; stages: string[] | null }>(
      env.ctx.db,
      `SELECT r.stage, r.closed_at, r.opened_at, (SELECT array_agg(s.stage::text ORDER BY s.at) FROM repair_order_stages s WHERE s.ro_id = r.id) AS stages FROM repair_orders r`,
    );
    const open = ros.filter((r) => r.closed_at === null);
    expect(open.length).toBeLessThan(ros.length * 0.02);
    for (const r of ros) {
      expect(ms(r.opened_at)).toBeLessThanOrEqual(NOW.getTime());
      if (r.closed_at) {
        expect(r.stage).toBe('delivered');
        expect(ms(r.closed_at)).toBeLessThanOrEqual(NOW.getTime());
        expect(r.stages).toBeNull();
      } else {
        expect(r.stage).not.toBe('delivered');
        expect(NOW.getTime() - ms(r.opened_at)).toBeLessThan(20 * 86400_000);
        expect(r.stages!.at(-1)).toBe(r.stage);
      }
    }
  });

  it('records the six delivery milestones in order for delivered cars, and open orders mid-way', async () => {
    const orders = await rows<{ status: string; milestone: string; delivered_at: string | null; ms: string[] }>(
      env.ctx.db,
      `SELECT o.status, o.milestone, o.delivered_at, array_agg(m.milestone::text ORDER BY m.at, m.milestone) AS ms
       FROM sales_orders o JOIN sales_order_milestones m ON m.order_id = o.id GROUP BY o.id`,
    );
    const all = ['ordered', 'inspection', 'transport', 'pdi', 'handover_prep', 'delivered'];
    for (const o of orders) {
      if (o.status === 'delivered') {
        expect(o.ms).toEqual(all);
        expect(o.delivered_at).not.toBeNull();
      } else {
        expect(o.status).toBe('open');
        expect(o.ms).toEqual(all.slice(0, o.ms.length));
        expect(o.ms.at(-1)).toBe(o.milestone);
      }
    }
    expect(orders.some((o) => o.status === 'open')).toBe(true);
  });

  it('asks consent the way a store does: service notices nearly always, marketing from about 60%', async () => {
    const [c] = await rows<{ service: number; marketing: number }>(
      env.ctx.db,
      `SELECT avg(granted::int) FILTER (WHERE channel = 'sms' AND purpose = 'service')::float AS service,
              avg(granted::int) FILTER (WHERE channel = 'sms' AND purpose = 'marketing')::float AS marketing FROM customer_consents`,
    );
    expect(c!.service).toBeGreaterThan(0.85);
    expect(c!.marketing).toBeGreaterThan(0.45);
    expect(c!.marketing).toBeLessThan(0.75);
  });

  it('keeps owners between 22 and 70 and nothing in the future', async () => {
    const [c] = await rows<{ young: number; old: number; future: number }>(
      env.ctx.db,
      `SELECT count(*) FILTER (WHERE birthday > date '${AS_OF}' - interval '22 years')::int AS young,
              count(*) FILTER (WHERE birthday < date '${AS_OF}' - interval '71 years')::int AS old,
              (SELECT count(*)::int FROM interactions WHERE occurred_at > '${NOW.toISOString()}')
                + (SELECT count(*)::int FROM behaviour_events WHERE occurred_at > '${NOW.toISOString()}')
                + count(*) FILTER (WHERE created_at > '${NOW.toISOString()}')::int AS future
       FROM customers`,
    );
    expect(c).toEqual({ young: 0, old: 0, future: 0 });
  });
});

describe('determinism and re-runs', () => {
  it('gives the same names, mobiles and VINs for the same seed in another database', async () => {
    const q = `SELECT c.name, c.mobile, string_agg(v.vin, ',' ORDER BY v.vin) AS vins FROM customers c LEFT JOIN vehicles v ON v.customer_id = c.id
               GROUP BY c.id ORDER BY c.created_at, c.mobile`;
    const a = await rows<{ name: string; mobile: string; vins: string | null }>(env.ctx.db, q);
    const b = await rows<{ name: string; mobile: string; vins: string | null }>(twin.ctx.db, q);
    expect(b).toEqual(a);
    const [ra] = await rows<{ s: string }>(env.ctx.db, `SELECT sum(mileage_km + labour_fen + parts_fen)::text AS s FROM repair_orders`);
    const [rb] = await rows<{ s: string }>(twin.ctx.db, `SELECT sum(mileage_km + labour_fen + parts_fen)::text AS s FROM repair_orders`);
    expect(rb).toEqual(ra);
  });

  it('gives the same data on the bulk-load path, and leaves every index in place', async () => {
    const bulk = await createTestEnv();
    try {
      const indexes = `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`;
      const before = await rows<{ indexname: string }>(bulk.ctx.db, indexes);
      await seedDemoOrg(bulk.ctx.db);
      await seedCatalogue(bulk.ctx.db);
      const r = await generateDemoData(bulk.ctx.db, { size: SIZE, seed: 7, asOf: AS_OF, bulkLoad: true, batchSize: 1000 });
      expect(r.repairOrders).toBe(result.repairOrders);
      expect(await rows(bulk.ctx.db, indexes)).toEqual(before);
      const q = `SELECT c.name, c.mobile, v.vin, v.plate, v.last_mileage_km FROM customers c JOIN vehicles v ON v.customer_id = c.id ORDER BY v.vin`;
      expect(await rows(bulk.ctx.db, q)).toEqual(await rows(env.ctx.db, q));
    } finally {
      await bulk.close();
    }
  });

  it('refuses a second run instead of duplicating data', async () => {
    await expect(generateDemoData(env.ctx.db, { size: 10, seed: 7, asOf: AS_OF })).rejects.toThrow(/already exist/);
    const [c] = await rows<{ n: number }>(env.ctx.db, 'SELECT count(*)::int AS n FROM customers');
    expect(c!.n).toBe(SIZE);
  });
});
