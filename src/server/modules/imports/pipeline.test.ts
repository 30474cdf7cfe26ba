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
import { ImportBusyError, keptStagingOf, runPipeline, sweepKeptStaging, type PipelineJob } from './pipeline.js';
import { importJobs } from './schema.js';

/**
 * What the run does to save time, and why the outcome is the same as without it:
 *   - the dry run keeps its staged rows for the run (see `KeptStaging`): the run takes them only when they are exactly
 *     what it would stage itself, and otherwise reads the file again;
 *   - new repair orders go in by plain INSERT (see `insertNewThenUpsert`): a record with one of the file's keys put in
 *     the way after the resolve step has seen the key free still ends as an upsert would end.
 */
let env: TestEnv;
let org: SeededOrg;
let dir: string;

beforeAll(async () => {
  env = await createTestEnv();
  org = await seedDemoOrg(env.ctx.db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baoke-import-staging-'));
}, 60_000);
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await env.close();
});

const MAPPING = { roNo: '工单号', vin: '车架号', mobile: '手机号', openedAt: '进厂日期', mileageKm: '进厂里程', labourYuan: '工时费' };

let files = 0;
/** A job over a new file of `n` good rows and one bad one (an RO opened in the future), in a directory of its own. */
function newJob(prefix: string, n: number, mapping: Record<string, string> = MAPPING): PipelineJob {
  const jobDir = path.join(dir, `job-${++files}`);
  fs.mkdirSync(jobDir);
  const file = path.join(jobDir, 'ro.csv');
  const lines = ['工单号,车架号,手机号,进厂日期,进厂里程,工时费'];
  for (let i = 0; i < n; i++) {
    lines.push(`${prefix}-${i},${completeVin('LSVSTAGE', `${prefix.slice(0, 2)}${String(i).padStart(6, '0')}`)},139${String(files * 1000 + i).padStart(8, '0')},2026-05-06 09:30,${10_000 + i},300.00`);
  }
  lines.push(`${prefix}-BAD,${completeVin('LSVSTAGE', `${prefix.slice(0, 2)}999999`)},13900000000,2099-01-01 09:00,1,1.00`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return { id: crypto.randomUUID(), kind: 'repair_orders', storeId: org.stores[0]!.id, filePath: file, format: 'csv', mapping };
}

async function pipe(job: PipelineJob, mode: 'preview' | 'run', at = '2026-06-01T02:00:00Z', finish?: () => Promise<void>) {
  const steps: string[] = [];
  const progress: number[] = [];
  const phases: string[] = [];
  const outcome = await runPipeline({
    db: env.ctx.db,
    clock: fixedClock(at),
    job,
    mode,
    log: (l) => steps.push(l.replace(/: \d+ ms$/, '')),
    onProgress: async (n) => {
      progress.push(n);
    },
    onPhase: async (p) => {
      phases.push(p);
    },
    finish,
  });
  return { outcome: outcome!, steps, progress, phases };
}

async function keptTableExists(job: PipelineJob): Promise<boolean> {
  const r = await env.ctx.db.execute<{ t: string | null }>(sql`SELECT to_regclass(${keptStagingOf(job.id, path.dirname(job.filePath)).table})::text AS t`);
  return r.rows[0]!.t !== null;
}

/** A repair-order file of the given rows (MAPPING's columns). */
function csv(rows: { ro: string; vin: string; mobile: string; km: number; yuan: string }[]): string {
  return `工单号,车架号,手机号,进厂日期,进厂里程,工时费\n${rows.map((r) => `${r.ro},${r.vin},${r.mobile},2026-05-06 09:30,${r.km},${r.yuan}`).join('\n')}\n`;
}

/** A run of a file that had no dry run (it stages the file itself). */
async function run(file: string) {
  const job: PipelineJob = { id: crypto.randomUUID(), kind: 'repair_orders', storeId: org.stores[0]!.id, filePath: file, format: 'csv', mapping: MAPPING };
  return (await pipe(job, 'run')).outcome;
}

const ros = async (prefix: string) =>
  Number((await env.ctx.db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM repair_orders WHERE ro_no LIKE ${`${prefix}-%`}`)).rows[0]!.n);

describe('the run takes over the dry run’s staged rows', () => {
  it('when nothing changed: no second read of the file, the same outcome, the error file from the dry run’s rejections', async () => {
    const job = newJob('SA', 5);
    const pv = await pipe(job, 'preview');
    expect(pv.outcome).toMatchObject({ totalRows: 6, createdCount: 5, rejectedCount: 1 });
    expect(await keptTableExists(job)).toBe(true);

    const run = await pipe(job, 'run');
    expect(run.steps).toContain("run reuse the dry run's staged rows");
    expect(run.steps).not.toContain('run stage (read, validate, COPY)');
    // The progress bar shows every row read from the start (the dry run read them).
    expect(run.progress).toEqual([6]);
    // The steps it reports after reading (the job itself starts at `read`); a dry run reports none.
    expect(run.phases).toEqual(['match', 'write']);
    expect(pv.phases).toEqual([]);
    expect(run.outcome).toMatchObject({ totalRows: 6, createdCount: 5, rejectedCount: 1, sampleRejections: [{ row: 7 }] });
    expect(await ros('SA')).toBe(5);
    // The rejected row is in the error file with its cells, as if the run had read it itself.
    const errors = fs.readFileSync(run.outcome.errorFile!, 'utf8');
    expect(errors).toContain('SA-BAD');
    expect(errors).toMatch(/^\uFEFF?行号 Row,原因 Reason,工单号/);
    // Once the run has committed, nothing of the dry run is left.
    expect(await keptTableExists(job)).toBe(false);
    expect(fs.existsSync(keptStagingOf(job.id, path.dirname(job.filePath)).rejectsFile)).toBe(false);
  });

  it('stages the file again when the table lost its rows (an UNLOGGED table after a crash), the mapping changed, or the day did', async () => {
    const crashed = newJob('SB', 4);
    await pipe(crashed, 'preview');
    await env.ctx.db.execute(sql.raw(`TRUNCATE "${keptStagingOf(crashed.id, '').table}"`));
    const a = await pipe(crashed, 'run');
    expect(a.steps).toContain('run stage (read, validate, COPY)');
    expect(a.outcome).toMatchObject({ createdCount: 4, rejectedCount: 1 });
    expect(await ros('SB')).toBe(4);

    const remapped = newJob('SC', 3);
    await pipe(remapped, 'preview');
    // Without the mileage column this time: the run must not use rows staged with it.
    const { mileageKm: _km, ...lessMapping } = MAPPING;
    const b = await pipe({ ...remapped, mapping: lessMapping }, 'run');
    expect(b.steps).toContain('run stage (read, validate, COPY)');
    expect(b.outcome).toMatchObject({ createdCount: 3 });
    const km = await env.ctx.db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM repair_orders WHERE ro_no LIKE 'SC-%' AND mileage_km IS NOT NULL`);
    expect(Number(km.rows[0]!.n)).toBe(0);
    expect(await keptTableExists(remapped)).toBe(false);

    const nextDay = newJob('SD', 2);
    await pipe(nextDay, 'preview', '2026-06-01T02:00:00Z');
    const c = await pipe(nextDay, 'run', '2026-06-02T02:00:00Z');
    expect(c.steps).toContain('run stage (read, validate, COPY)');
    expect(c.outcome).toMatchObject({ createdCount: 2 });
  });

  it('a run that fails keeps the staged rows for its retry, which takes them', async () => {
    const job = newJob('SE', 3);
    await pipe(job, 'preview');
    await expect(pipe(job, 'run', undefined, async () => Promise.reject(new Error('the outcome could not be recorded')))).rejects.toThrow('could not be recorded');
    expect(await ros('SE')).toBe(0);
    expect(await keptTableExists(job)).toBe(true);
    const retry = await pipe(job, 'run');
    expect(retry.steps).toContain("run reuse the dry run's staged rows");
    expect(retry.outcome).toMatchObject({ createdCount: 3, rejectedCount: 1 });
    expect(await ros('SE')).toBe(3);
  });
  it('a dry run turned away because the import is busy leaves the staged rows alone', async () => {
    const job = newJob('SK', 2);
    await pipe(job, 'preview');
    const serverUrl = (env.ctx.db as unknown as { $client: pg.Pool }).$client.options.connectionString!;
    const holder = new pg.Client({ connectionString: serverUrl });
    await holder.connect();
    try {
      // As a run in progress would: it holds the import's lock.
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`import:${job.id}`]);
      await expect(pipe(job, 'preview')).rejects.toThrow(ImportBusyError);
      expect(await keptTableExists(job)).toBe(true);
    } finally {
      await holder.end();
    }
    const run = await pipe(job, 'run');
    expect(run.steps).toContain("run reuse the dry run's staged rows");
    expect(run.outcome).toMatchObject({ createdCount: 2 });
  });
});

describe('the hourly sweep', () => {
  it('drops what no run will take (imports gone, completed or previewed over a day ago) and keeps the rest', async () => {
    const insertJob = async (job: PipelineJob, status: 'previewed' | 'completed') =>
      env.ctx.db.insert(importJobs).values({ id: job.id, storeId: job.storeId, kind: job.kind, fileName: 'ro.csv', filePath: job.filePath, format: 'csv', status, mapping: job.mapping });
    const fresh = newJob('SF', 1);
    const old = newJob('SG', 1);
    const done = newJob('SH', 1);
    const gone = newJob('SJ', 1);
    await insertJob(fresh, 'previewed');
    await insertJob(old, 'previewed');
    await insertJob(done, 'completed');
    await pipe(fresh, 'preview', '2026-06-02T01:00:00Z');
    await pipe(old, 'preview', '2026-06-01T00:30:00Z');
    await pipe(done, 'preview', '2026-06-02T01:00:00Z');
    await pipe(gone, 'preview', '2026-06-02T01:00:00Z');

    const dropped = await sweepKeptStaging(env.ctx.db, new Date('2026-06-02T02:00:00Z'));
    const names = (j: PipelineJob) => keptStagingOf(j.id, '').table;
    expect(dropped.sort()).toEqual([names(old), names(done), names(gone)].sort());
    expect(await keptTableExists(fresh)).toBe(true);
    expect(fs.existsSync(keptStagingOf(old.id, path.dirname(old.filePath)).rejectsFile)).toBe(false);
    expect(fs.existsSync(keptStagingOf(fresh.id, path.dirname(fresh.filePath)).rejectsFile)).toBe(true);
    // The kept one is still taken by its run.
    const run = await pipe(fresh, 'run', '2026-06-02T03:00:00Z');
    expect(run.steps).toContain("run reuse the dry run's staged rows");
  });
});

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
