/**
 * `npm run bench -- loyalty`: the points ledger under load, on its own database (`baoke_loyalty_bench`, dropped and
 * created each run) of a PostgreSQL server (default the system one at postgres://postgres@127.0.0.1:5432).
 *
 *  1. 10,000 accounts with 1,000 points each (one set-based statement).
 *  2. 50 concurrent clients for 60 s, each in a loop: earn (a repair order's points, with the tier check) or redeem
 *     (a random amount; refused when the balance is short) on a random account — every operation one transaction
 *     through the same ledger functions the app uses.
 *  3. Afterwards: no negative balance, and the whole ledger reconciles (balance = Σ entries = Σ open lots; per lot
 *     points = consumed + remaining; every debit fully backed by consumptions).
 *  4. 100 parallel redemptions (核销) of one coupon code: exactly one succeeds.
 *
 * Targets: ≥ 1,500 ledger operations/s, p99 ≤ 50 ms, zero overspend, reconciles, exactly one redemption.
 */
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/server/config.js';
import { createServices } from '../src/server/context.js';
import { connect } from '../src/server/db/index.js';
import { runMigrations } from '../src/server/db/migrate.js';
import { systemClock } from '../src/server/platform/clock.js';
import { SYSTEM_ACTOR } from '../src/server/platform/rbac.js';
import { credit, debit, evaluateTiers, reconcile } from '../src/server/modules/loyalty/ledger.js';
import { AppError } from '../src/server/platform/errors.js';
import { seedDemoOrg } from '../src/server/seed/org.js';
import type { Row } from './data.js';

export const DEFAULT_LOYALTY_BENCH_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'baoke_loyalty_bench';

export interface TLoyaltyBenchOptions {
  serverUrl: string;
  accounts: number;
  clients: number;
  seconds: number;
  /** Database connections shared by the clients (2-core machines do best with few). */
  pool: number;
  log: (line: string) => void;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runLoyaltyBench(o: TLoyaltyBenchOptions): Promise<{ rows: Row[]; passed: boolean; summary: Record<string, number | boolean> }> {
  const admin = new pg.Client({ connectionString: o.serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${DB_NAME} with (force)`);
  await admin.query(`create database ${DB_NAME}`);
  await admin.end();
  const u = new URL(o.serverUrl);
  u.pathname = `/${DB_NAME}`;
  const database = connect(u.toString(), { max: o.pool, applicationName: 'baoke-loyalty-bench' });
  try {
    await runMigrations(database.pool);
    const db = database.db;
    const org = await seedDemoOrg(db);
    const storeIds = org.stores.map((s) => s.id);
    o.log(`migrated ${DB_NAME}; seeding ${o.accounts.toLocaleString('en-US')} accounts`);
    await db.execute(sql`
      insert into customers (id, store_id, name, mobile, created_at, updated_at)
      select gen_random_uuid(), (${`{${storeIds.join(',')}}`}::uuid[])[1 + (g % ${storeIds.length})], '压测车主' || g, '+86150' || lpad(g::text, 8, '0'), now(), now()
      from generate_series(1, ${o.accounts}) g`);
    const ids = (await db.execute<{ id: string }>(sql`select id from customers order by id`)).rows.map((r) => r.id);
    const services = createServices({ db, clock: systemClock, jobs: null, config: loadConfig({ BAOKE_LOG_LEVEL: 'silent' }) });
    await db.transaction((tx) =>
      services.loyalty.awardPointsForAudience(tx, { audience: sql`select id as customer_id, null::uuid as vehicle_id, 'seed:' || id as firing_key, null::timestamptz as due_at from customers`, points: 1000, reason: '压测初始积分', keyPrefix: '' }),
    );
    await db.execute(sql`analyze`);

    o.log(`running ${o.clients} clients for ${o.seconds} s`);
    const latencies: number[] = [];
    let earns = 0;
    let redeems = 0;
    let refused = 0;
    let errors = 0;
    let seq = 0;
    const deadline = performance.now() + o.seconds * 1000;
    const client = async (c: number) => {
      while (performance.now() < deadline) {
        const customerId = ids[Math.floor(Math.random() * ids.length)]!;
        const n = ++seq;
        const t0 = performance.now();
        try {
          if (Math.random() < 0.5) {
            // An earn is one statement (entry, lot, balance: atomic on its own); the tier check only when it can matter.
            const at = new Date();
            const r = await credit(db, { customerId, points: 1 + Math.floor(Math.random() * 300), source: 'repair_order', spendFen: 30_000, reason: '压测工单', idempotencyKey: `bench:e:${c}:${n}`, refType: 'repair_order', at });
            if (!r.duplicate && r.mayUpgrade) await evaluateTiers(db, { customerIds: [customerId], mode: 'upgrade', now: at, reason: 'bench' });
            earns++;
          } else {
            await db.transaction((tx) => debit(tx, { customerId, points: 1 + Math.floor(Math.random() * 600), kind: 'redeem', reason: '压测兑换', idempotencyKey: `bench:r:${c}:${n}`, at: new Date() }));
            redeems++;
          }
        } catch (err) {
          if (err instanceof AppError && err.code === 'insufficient-points') refused++;
          else {
            errors++;
            if (errors < 5) o.log(`error: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
        latencies.push(performance.now() - t0);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: o.clients }, (_, i) => client(i)));
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const ops = latencies.length;

    o.log('checking: balances, reconciliation');
    const [neg] = (await db.execute<{ n: number; min: number }>(sql`select count(*) filter (where balance < 0)::int as n, coalesce(min(balance), 0)::int as min from loyalty_accounts`)).rows;
    const problems = await reconcile(db);

    o.log('100 parallel redemptions of one coupon');
    const [c0] = (await db.execute<{ id: string; store_id: string }>(sql`select id, store_id from customers where store_id = ${storeIds[0]!} limit 1`)).rows;
    const [v] = (await db.execute<{ id: string }>(sql`
      insert into vehicles (id, customer_id, store_id, vin, plate, created_at, updated_at) values (gen_random_uuid(), ${c0!.id}, ${c0!.store_id}, 'LSVAB2BL0BENCH001', '京A·B0001', now(), now()) returning id`)).rows;
    const ro = await services.serviceOrders.create(SYSTEM_ACTOR, { vehicleId: v!.id, kind: 'maintenance', labourFen: 10_000, partsFen: 0 });
    const coupon = await services.loyalty.issueCouponStaff(SYSTEM_ACTOR, { customerId: c0!.id, title: '压测券', valueFen: 10_000, validDays: 30, source: 'manual' });
    const attempts = await Promise.allSettled(Array.from({ length: 100 }, () => services.loyalty.redeemCoupon(SYSTEM_ACTOR, coupon.code, ro.id)));
    const couponOk = attempts.filter((a) => a.status === 'fulfilled').length;

    const summary = {
      operations: ops,
      seconds: Math.round(elapsed * 10) / 10,
      opsPerSecond: Math.round(ops / elapsed),
      p50: Math.round(percentile(latencies, 50) * 10) / 10,
      p95: Math.round(percentile(latencies, 95) * 10) / 10,
      p99: Math.round(percentile(latencies, 99) * 10) / 10,
      earns,
      redeems,
      refusedInsufficient: refused,
      errors,
      negativeBalances: neg!.n,
      reconcileProblems: problems.length,
      couponRedemptionsSucceeded: couponOk,
    };
    const passed = summary.opsPerSecond >= 1500 && summary.p99 <= 50 && summary.negativeBalances === 0 && summary.reconcileProblems === 0 && summary.errors === 0 && couponOk === 1;
    const rows: Row[] = [
      { measure: 'ledger operations / s', value: summary.opsPerSecond, target: '≥ 1,500' },
      { measure: 'latency p50 (ms)', value: summary.p50, target: '' },
      { measure: 'latency p95 (ms)', value: summary.p95, target: '' },
      { measure: 'latency p99 (ms)', value: summary.p99, target: '≤ 50' },
      { measure: 'earns / redeems / refused (short balance)', value: `${earns} / ${redeems} / ${refused}`, target: '' },
      { measure: 'errors', value: errors, target: '0' },
      { measure: 'negative balances', value: summary.negativeBalances, target: '0' },
      { measure: 'reconciliation problems', value: summary.reconcileProblems, target: '0' },
      { measure: '100 parallel 核销 of one code: succeeded', value: couponOk, target: '1' },
    ];
    return { rows, passed, summary: { ...summary, passed } };
  } finally {
    await database.close();
  }
}
