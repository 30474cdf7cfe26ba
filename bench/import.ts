/**
 * Import benchmark: a realistic repair-order CSV (a DMS export: ~4 ROs per car over three years, Chinese headers,
 * a handful of bad rows) imported end to end — upload, dry run, run — against a raw `COPY` of the same file into a
 * plain table, with the process RSS sampled throughout. Called by `bench/run.ts`.
 */
import { sql } from 'drizzle-orm';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { finished, pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { completeVin, VIN_ALPHABET } from '../src/contracts/validators.js';
import { loadConfig } from '../src/server/config.js';
import { connect } from '../src/server/db/index.js';
import { runMigrations } from '../src/server/db/migrate.js';
import { createImportsService, type TUploadPart } from '../src/server/modules/imports/service.js';
import { vehicleModels } from '../src/server/modules/vehicles/schema.js';
import { systemClock } from '../src/server/platform/clock.js';
import type { Actor } from '../src/server/platform/rbac.js';
import { seedDemoOrg } from '../src/server/seed/org.js';

const HEADERS = ['工单号', '车架号', '车牌号', '客户姓名', '手机号', '维修类型', '进厂日期', '结算日期', '进厂里程', '工时费', '材料费', '服务顾问', '故障码'];
const KINDS = ['首保', '保养', '保养', '保养', '维修', '维修', '保修', '事故', '召回', '检测'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '建国', '志强', '海燕'];
const PLATE_LETTERS = 'ABCDEFGHJKLMNPQ';

/** A small deterministic PRNG (mulberry32), so every run imports the same file. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/**
 * Writes `rows` RO lines. One car in four is serviced ~4 times (mileage rising with time); bad rows are spread out:
 * a wrong VIN check digit, a bad mobile, an impossible date, a negative amount, an unknown type, and one RO number
 * repeated later in the file (the earlier line is rejected). Returns the number of rows that must be rejected.
 */
export async function writeRoCsv(file: string, rows: number, seed = 7): Promise<{ bad: number }> {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const cars = Math.max(1, Math.ceil(rows / 4));
  const out = fs.createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`\uFEFF${HEADERS.join(',')}\n`);
  const badEvery = Math.max(50, Math.floor(rows / 10));
  let bad = 0;
  let chunk = '';
  const start = Date.UTC(2023, 0, 1);
  const span = 3 * 365 * 86_400_000;
  for (let i = 0; i < rows; i++) {
    const car = i % cars;
    const visit = Math.floor(i / cars);
    const vin = completeVin(`LSLA5B2F`, `${VIN_ALPHABET[car % 23]!}${pad(car, 7)}`);
    const plate = `京${PLATE_LETTERS[car % PLATE_LETTERS.length]}${pad((car * 7919) % 100_000, 5)}`;
    const mobile = `13${pad((car * 104_729) % 1_000_000_000, 9)}`;
    const name = SURNAMES[car % SURNAMES.length]! + GIVEN[(car >> 3) % GIVEN.length]!;
    const at = new Date(start + ((visit * span) / 5 + rand() * (span / 6)));
    const opened = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1, 2)}-${pad(at.getUTCDate(), 2)} ${pad(8 + Math.floor(rand() * 9), 2)}:${pad(Math.floor(rand() * 60), 2)}`;
    const closedAt = new Date(at.getTime() + 86_400_000 * Math.floor(rand() * 3));
    const closed = `${closedAt.getUTCFullYear()}/${closedAt.getUTCMonth() + 1}/${closedAt.getUTCDate()}`;
    const km = 3000 + visit * 9000 + Math.floor(rand() * 4000);
    const labour = (Math.floor(rand() * 800) + 100).toFixed(2);
    const parts = (Math.floor(rand() * 300000) / 100).toFixed(2);
    const faults = rand() < 0.08 ? `"P0${pad(Math.floor(rand() * 999), 3)},U0100"` : '';
    const cols = [`RO${pad(i + 1, 9)}`, vin, plate, name, mobile, pick(KINDS), opened, closed, String(km), labour, parts, rand() < 0.5 ? '孙丽' : '', faults];
    if (i > 0 && i % badEvery === 0 && bad < 12) {
      switch (bad % 6) {
        case 0: cols[1] = `${vin.slice(0, 8)}${vin[8] === '0' ? '1' : '0'}${vin.slice(9)}`; break; // check digit
        case 1: cols[4] = '1381234'; break;
        case 2: cols[6] = '2024-02-30'; break;
        case 3: cols[9] = '-50'; break;
        case 4: cols[5] = '洗车美容'; break;
        case 5: cols[0] = `RO${pad(i + 2, 9)}`; break; // the next row has the same RO number and wins
      }
      bad++;
    }
    chunk += `${cols.join(',')}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await finished(out);
  return { bad };
}

/**
 * The other floor: the rows the import wrote, exported and COPYed straight back into `repair_orders` itself (its
 * indexes, unique keys and foreign keys all checked) — what the database alone needs to hold those rows, with no
 * parsing, validation, resolving or upserting. The table ends up exactly as the import left it.
 */
async function copyIntoTable(pool: pg.Pool, dir: string): Promise<number> {
  const client = await pool.connect();
  const file = path.join(dir, 'repair-orders.copy');
  try {
    await pipeline(client.query(copyTo('COPY repair_orders TO STDOUT')), fs.createWriteStream(file));
    await client.query('BEGIN');
    await client.query('TRUNCATE repair_orders CASCADE');
    const t = performance.now();
    await pipeline(fs.createReadStream(file), client.query(copyFrom('COPY repair_orders FROM STDIN')));
    const s = (performance.now() - t) / 1000;
    await client.query('COMMIT');
    await client.query('VACUUM (ANALYZE) repair_orders');
    return s;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
    fs.rmSync(file, { force: true });
  }
}

/** Raw `COPY … FROM STDIN (FORMAT csv)` of the file into a plain text table: the floor the import is measured against. */
async function rawCopy(pool: pg.Pool, file: string): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_raw_copy');
    await client.query(`CREATE TABLE bench_raw_copy (${HEADERS.map((_, i) => `c${i} text`).join(', ')})`);
    const t = performance.now();
    await pipeline(fs.createReadStream(file), client.query(copyFrom('COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)')));
    const s = (performance.now() - t) / 1000;
    await client.query('DROP TABLE bench_raw_copy');
    return s;
  } finally {
    client.release();
  }
}

/** Samples the process RSS every 50 ms; `peak()` is the highest since the last `reset()`. */
function rssSampler() {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 50);
  return {
    reset: () => {
      peak = process.memoryUsage().rss;
    },
    peak: () => {
      sample();
      return Math.round(peak / 1024 / 1024);
    },
    stop: () => clearInterval(timer),
  };
}

export async function runImportBench(opts: { rows: number; databaseUrl: string; log: (line: string) => void }): Promise<Record<string, number | string>[]> {
  const { rows, log } = opts;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baoke-import-bench-'));
  const database = connect(opts.databaseUrl, { max: 6, applicationName: 'baoke-bench-import' });
  const rss = rssSampler();
  try {
    await runMigrations(database.pool);
    const [used] = (await database.db.execute<{ any: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM repair_orders) AS any`)).rows;
    // The figures are for a first import into empty tables (then the same file again); existing ROs would change both.
    if (used?.any) throw new Error(`the import benchmark needs an empty database; ${opts.databaseUrl.replace(/\/\/[^@]*@/, '//')} has repair orders`);
    const org = await seedDemoOrg(database.db);
    await database.db
      .insert(vehicleModels)
      .values([
        { brand: '领航 Linghang', series: 'L5', name: '1.5T 舒适版', bodyType: 'suv', powertrain: 'ice', seats: 5, minPriceFen: 12_980_000, maxPriceFen: 14_580_000, maintenanceIntervalMonths: 6, maintenanceIntervalKm: 5000 },
        { brand: '领航 Linghang', series: 'S3', name: '1.5L CVT 精英版', bodyType: 'sedan', powertrain: 'ice', seats: 5, minPriceFen: 8_980_000, maxPriceFen: 10_580_000, maintenanceIntervalMonths: 6, maintenanceIntervalKm: 5000 },
        { brand: '极光 Jiguang', series: 'E5', name: '长续航智驾版', bodyType: 'suv', powertrain: 'bev', seats: 5, minPriceFen: 19_980_000, maxPriceFen: 23_980_000, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 20000 },
      ])
      .onConflictDoNothing();
    const store = org.stores[0]!;
    const manager = org.staff.get('manager1')!;
    const actor: Actor = { staffId: manager.id, username: manager.username, displayName: manager.displayName, role: manager.role, storeId: store.id };
    const config = loadConfig({ BAOKE_DATA_DIR: dir, BAOKE_LOG_LEVEL: 'silent' });
    const imports = createImportsService({ db: database.db, clock: systemClock, jobs: null, config, log: (l) => log(`  ${l}`) });

    const file = path.join(dir, 'repair-orders.csv');
    const t = performance.now();
    const { bad } = await writeRoCsv(file, rows);
    const mb = fs.statSync(file).size / 1024 / 1024;
    log(`generated ${rows} RO rows (${mb.toFixed(1)} MB, ${bad} bad rows) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const copySeconds = await rawCopy(database.pool, file);
    log(`raw COPY: ${copySeconds.toFixed(2)} s`);

    const importOnce = async (label: string) => {
      rss.reset();
      const t0 = performance.now();
      async function* parts(): AsyncGenerator<TUploadPart> {
        yield { type: 'field', name: 'kind', value: 'repair_orders' };
        yield { type: 'file', fileName: 'repair-orders.csv', stream: fs.createReadStream(file) };
      }
      const up = await imports.upload(actor, parts());
      const t1 = performance.now();
      const preview = await imports.preview(actor, up.id, { mapping: up.suggestedMapping });
      const t2 = performance.now();
      await imports.requestRun(actor, up.id);
      // Without a queue the service runs the job on this node; wait for it like a client polling GET /imports/{id}.
      let job = await imports.get(actor, up.id);
      while (job.status === 'queued' || job.status === 'running') {
        await new Promise((r) => setTimeout(r, 100));
        job = await imports.get(actor, up.id);
      }
      const t3 = performance.now();
      if (job.status !== 'completed') throw new Error(`${label}: import ${job.status}: ${job.error}`);
      const counts = `created ${job.createdCount}, updated ${job.updatedCount}, unchanged ${job.unchangedCount}, rejected ${job.rejectedCount} of ${job.totalRows}`;
      log(`${label}: preview ${JSON.stringify({ c: preview.createdCount, u: preview.updatedCount, n: preview.unchangedCount, r: preview.rejectedCount })}; run ${counts}`);
      return { upload: (t1 - t0) / 1000, preview: (t2 - t1) / 1000, run: (t3 - t2) / 1000, peak: rss.peak(), job };
    };

    const first = await importOnce('first import');
    if (first.job.rejectedCount !== bad || first.job.createdCount !== rows - bad) {
      throw new Error(`unexpected counts: ${first.job.createdCount} created, ${first.job.rejectedCount} rejected (expected ${rows - bad} and ${bad})`);
    }
    const tableCopySeconds = await copyIntoTable(database.pool, dir);
    log(`COPY of the imported rows into repair_orders: ${tableCopySeconds.toFixed(2)} s`);
    const again = await importOnce('same file again');
    const [stats] = (
      await database.db.execute<{ customers: number; vehicles: number; ros: number }>(sql`SELECT (SELECT count(*) FROM customers) AS customers,
        (SELECT count(*) FROM vehicles) AS vehicles, (SELECT count(*) FROM repair_orders) AS ros`)
    ).rows;
    log(`database: ${stats!.customers} customers, ${stats!.vehicles} vehicles, ${stats!.ros} repair orders`);

    const row = (phase: string, seconds: number, peak: number | string): Record<string, number | string> => ({
      phase,
      rows,
      seconds: Number(seconds.toFixed(2)),
      'rows/s': Math.round(rows / seconds),
      'x COPY': Number((seconds / copySeconds).toFixed(2)),
      'x COPY into table': Number((seconds / tableCopySeconds).toFixed(2)),
      'peak RSS MB': peak,
    });
    const result = [
      row('raw COPY (plain table)', copySeconds, '-'),
      row('COPY of the same rows into repair_orders', tableCopySeconds, '-'),
      row('upload (stream to disk, sample)', first.upload, first.peak),
      row('preview (dry run)', first.preview, first.peak),
      row('run (import job)', first.run, first.peak),
      row('end to end (upload+preview+run)', first.upload + first.preview + first.run, first.peak),
      row('re-import same file: run (all unchanged)', again.run, again.peak),
    ];
    return result;
  } finally {
    rss.stop();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
