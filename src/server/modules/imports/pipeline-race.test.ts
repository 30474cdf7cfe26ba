import { sql } from 'drizzle-orm';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeVin } from '../../../contracts/validators.js';
import { fixedClock } from '../../platform/clock.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { runPipeline } from './pipeline.js';

/**
 * The run writes new repair orders with a plain INSERT (see `insertNewThenUpsert`). These tests put a record with one
 * of the file's keys in the way after the resolve step has seen the key free, and check that the import still ends as
 * an upsert would: nothing lost, nothing doubled, the file's values on the record, and the counts saying so.
 */
let env: TestEnv;
let org: SeededOrg;
let dir: string;

beforeAll(async () => {
  env = await createTestEnv();
  org = await seedDemoOrg(env.ctx.db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baoke-import-race-'));
}, 60_000);
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await env.close();
});

const MAPPING = { roNo: '工单号', vin: '车架号', mobile: '手机号', openedAt: '进厂日期', mileageKm: '进厂里程', labourYuan: '工时费' };

function csv(rows: { ro: string; vin: string; mobile: string; km: number; yuan: string }[]): string {
  return `工单号,车架号,手机号,进厂日期,进厂里程,工时费\n${rows.map((r) => `${r.ro},${r.vin},${r.mobile},2026-05-06 09:30,${r.km},${r.yuan}`).join('\n')}\n`;
}

async function run(file: string) {
  const job = { id: crypto.randomUUID(), kind: 'repair_orders' as const, storeId: org.stores[0]!.id, filePath: file, format: 'csv' as const, mapping: MAPPING };
  return runPipeline({ db: env.ctx.db, clock: fixedClock('2026-06-01T02:00:00Z'), job, mode: 'run', });
}

describe('a key taken between resolve and write', () => {
  it('falls back to the upsert: the blocking record gets the file values, every other row is created once', async () => {
    const serverUrl = (env.ctx.db as unknown as { $client: pg.Pool }).$client.options.connectionString!;
    const vin = completeVin('LSVRACE1', 'A0000001');
    const mobile = '13900001111';
    // The car and its owner exist, so the only thing in the way is the RO number.
    const [owner] = (await env.ctx.db.execute<{ id: string }>(sql`INSERT INTO customers (id, store_id, name, mobile) VALUES (gen_random_uuid(), ${org.stores[0]!.id}, '赵先生', ${mobile}) RETURNING id`)).rows;
    const [car] = (await env.ctx.db.execute<{ id: string }>(sql`INSERT INTO vehicles (id, customer_id, store_id, vin) VALUES (gen_random_uuid(), ${owner!.id}, ${org.stores[0]!.id}, ${vin}) RETURNING id`)).rows;
    const file = path.join(dir, 'race.csv');
    fs.writeFileSync(file, csv([
      { ro: 'RACE-001', vin, mobile, km: 10_000, yuan: '300.00' },
      { ro: 'RACE-002', vin, mobile, km: 12_000, yuan: '450.50' },
      { ro: 'RACE-003', vin, mobile, km: 15_000, yuan: '99.00' },
    ]));

    // Another session inserts RACE-002 and keeps its transaction open: resolve does not see it (not committed), the
    // plain INSERT then waits on its unique-index entry, and fails once it commits.
    const other = new pg.Client({ connectionString: serverUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO repair_orders (id, ro_no, store_id, customer_id, vehicle_id, kind, opened_at, labour_fen, created_at, updated_at)
         VALUES (gen_random_uuid(), 'RACE-002', $1, $2, $3, 'maintenance', '2026-05-01T01:00:00Z', 1, now(), now())`,
        [org.stores[0]!.id, owner!.id, car!.id],
      );
      const running = run(file);
      running.catch(() => {}); // awaited below; a failure before then must not be an unhandled rejection
      // Commit once the import is waiting for that row's lock.
      const deadline = Date.now() + 20_000;
      for (;;) {
        // Within its open transaction this session would see one frozen snapshot of the activity view.
        await other.query('SELECT pg_stat_clear_snapshot()');
        const waiting = await other.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO repair_orders%'`,
        );
        if (waiting.rows[0]!.n > 0) break;
        if (Date.now() > deadline) throw new Error('the import never waited on the uncommitted RO');
        await new Promise((r) => setTimeout(r, 50));
      }
      await other.query('COMMIT');
      const outcome = await running;
      expect(outcome).toMatchObject({ totalRows: 3, createdCount: 2, updatedCount: 1, unchangedCount: 0, rejectedCount: 0 });
    } finally {
      await other.end();
    }

    const ros = await env.ctx.db.execute<{ ro_no: string; labour_fen: string; mileage_km: number; kind: string }>(
      sql`SELECT ro_no, labour_fen, mileage_km, kind FROM repair_orders WHERE ro_no LIKE 'RACE-%' ORDER BY ro_no`,
    );
    expect(ros.rows.map((r) => [r.ro_no, Number(r.labour_fen), r.mileage_km])).toEqual([
      ['RACE-001', 30_000, 10_000],
      ['RACE-002', 45_050, 12_000],
      ['RACE-003', 9_900, 15_000],
    ]);
    // The row was resolved as new, so it is written as resolved (no type in the file: 维修), exactly what the single
    // upsert wrote before the fast path existed.
    expect(ros.rows[1]!.kind).toBe('repair');

    // The same file again changes nothing, by the fast path.
    const again = await run(file);
    expect(again).toMatchObject({ createdCount: 0, updatedCount: 0, unchangedCount: 3 });
  }, 60_000);
});
