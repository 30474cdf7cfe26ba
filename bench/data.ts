/**
 * The benchmark dataset and the plumbing every scenario shares: opening the bench database (a dedicated embedded
 * PostgreSQL under ./data/bench, or --database-url), building the dataset with the demo generator, and printing /
 * saving results.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connect } from '../src/server/db/index.js';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../src/server/db/embedded.js';
import { runMigrations } from '../src/server/db/migrate.js';
import { seedDemo } from '../src/server/seed/demo.js';
import { DEMO_ANCHOR } from '../src/server/seed/generator.js';

export type Row = Record<string, string | number>;
export type Log = (line: string) => void;

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
export const DEFAULT_DATA_DIR = './data/bench';
export const DEFAULT_PORT = 54339;
const BENCH_DB = 'baoke';

export interface BenchServer {
  /** URL of the bench dataset database. */
  url: string;
  /** URL of another database on the same server (created empty if missing). */
  urlFor(database: string): Promise<string>;
  /** Drops and recreates a database of this server (only the embedded bench server). */
  recreate(database: string): Promise<void>;
  /**
   * Embedded server only: large max_wal_size and a long checkpoint timeout during a bulk load (so 30 million rows
   * are not throttled by a checkpoint every few seconds), then back to the defaults with a checkpoint, which lets
   * PostgreSQL remove the extra WAL (up to 16 GB) from the disk.
   */
  bulkLoadSettings(on: boolean): Promise<void>;
  embedded: boolean;
  stop(): Promise<void>;
}

/** Opens the bench server: `databaseUrl` when given, else the dedicated embedded PostgreSQL under `dataDir` (started here, port `port`). */
export async function openBenchServer(opts: { databaseUrl?: string; dataDir: string; port: number; log: Log }): Promise<BenchServer> {
  let handle: EmbeddedHandle | undefined;
  let url = opts.databaseUrl;
  if (!url) {
    const dir = path.resolve(opts.dataDir, 'pg');
    opts.log(`starting the bench PostgreSQL (data in ${dir}, port ${opts.port}) …`);
    handle = await startEmbeddedPostgres({ dir, port: opts.port, database: BENCH_DB });
    url = handle.url;
  }
  const withDb = (database: string) => {
    const u = new URL(url);
    u.pathname = `/${database}`;
    return u.toString();
  };
  const adminQuery = async (text: string) => {
    const c = new pg.Client({ connectionString: withDb('postgres') });
    await c.connect();
    try {
      return await c.query(text);
    } finally {
      await c.end();
    }
  };
  return {
    url,
    embedded: Boolean(handle),
    async urlFor(database) {
      const { rowCount } = await adminQuery(`SELECT 1 FROM pg_database WHERE datname = '${database.replace(/'/g, '')}'`);
      if (!rowCount) await adminQuery(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
      return withDb(database);
    },
    async recreate(database) {
      if (!handle) throw new Error('--rebuild only drops databases of the embedded bench server; point --database-url at an empty database instead');
      await adminQuery(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '')}" WITH (FORCE)`);
      await adminQuery(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
    },
    async bulkLoadSettings(on) {
      if (!handle) return;
      const statements = on
        ? // wal_recycle off: segments a checkpoint no longer needs are deleted, not kept as 16 GB of future WAL.
          [`ALTER SYSTEM SET max_wal_size = '16GB'`, `ALTER SYSTEM SET checkpoint_timeout = '30min'`, `ALTER SYSTEM SET wal_recycle = off`, 'SELECT pg_reload_conf()']
        : ['ALTER SYSTEM RESET max_wal_size', 'ALTER SYSTEM RESET checkpoint_timeout', 'SELECT pg_reload_conf()', 'CHECKPOINT', 'ALTER SYSTEM RESET wal_recycle', 'SELECT pg_reload_conf()'];
      for (const text of statements) await adminQuery(text);
    },
    stop: async () => {
      await handle?.stop();
    },
  };
}

export interface DataOptions {
  customers: number;
  seed: number;
  asOf: string;
  rebuild: boolean;
  batchSize?: number;
  log: Log;
}

export interface DataReport {
  built: boolean;
  seconds: number;
  counts: Row;
  phases: Row;
  tables: Row[];
  databaseMb: number;
}

const TABLES = ['customers', 'customer_consents', 'customer_tags', 'vehicles', 'sales_orders', 'sales_order_milestones', 'repair_orders', 'repair_order_stages', 'interactions', 'behaviour_events'];

/**
 * Builds the bench dataset (default 1,000,000 customers → ~1.5 M vehicles, ~10 M repair orders) with the demo
 * generator in bulk-load mode, or reports the one already there when it has the requested size.
 */
export async function buildBenchData(server: BenchServer, opts: DataOptions): Promise<DataReport> {
  const { log } = opts;
  if (opts.rebuild) {
    log(`dropping the bench database …`);
    await server.recreate(BENCH_DB);
  }
  const database = connect(server.url, { max: 2, applicationName: 'baoke-bench-data' });
  try {
    await runMigrations(database.pool);
    const existing = Number((await database.pool.query<{ n: string }>('SELECT count(*) AS n FROM customers')).rows[0]!.n);
    let built = false;
    let seconds = 0;
    let phases: Row = {};
    if (existing > 0) {
      if (existing !== opts.customers) {
        throw new Error(`the bench database holds ${existing} customers, not ${opts.customers}: run with --rebuild to regenerate it`);
      }
      log(`dataset present (${existing.toLocaleString('en-US')} customers): nothing to build (use --rebuild to regenerate)`);
    } else {
      log(`building the dataset: ${opts.customers.toLocaleString('en-US')} customers, seed ${opts.seed}, as of ${opts.asOf} …`);
      const t = performance.now();
      await server.bulkLoadSettings(true);
      try {
        const result = await seedDemo(database.db, {
          size: opts.customers,
          seed: opts.seed,
          asOf: opts.asOf,
          log,
          generator: { bulkLoad: true, batchSize: opts.batchSize },
        });
        phases = Object.fromEntries(Object.entries(result.phases).map(([k, v]) => [k, Number(v.toFixed(1))]));
      } finally {
        await server.bulkLoadSettings(false);
      }
      seconds = (performance.now() - t) / 1000;
      built = true;
    }
    const sizes = await database.pool.query<{ table: string; rows: string; mb: string }>(
      `SELECT c.relname AS table, c.reltuples::bigint AS rows, round(pg_total_relation_size(c.oid) / 1048576.0) AS mb
       FROM pg_class c WHERE c.relname = ANY ($1) AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace`,
      [TABLES],
    );
    const counts: Row = {};
    for (const t of TABLES) counts[t] = Number((await database.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`)).rows[0]!.n);
    const tables: Row[] = TABLES.map((t) => {
      const s = sizes.rows.find((r) => r.table === t);
      return { table: t, rows: counts[t]!, 'size MB': Number(s?.mb ?? 0) };
    });
    const dbMb = Number((await database.pool.query<{ mb: string }>(`SELECT round(pg_database_size(current_database()) / 1048576.0) AS mb`)).rows[0]!.mb);
    return { built, seconds: Number(seconds.toFixed(1)), counts, phases, tables, databaseMb: dbMb };
  } finally {
    await database.close();
  }
}

export const DEFAULT_AS_OF = DEMO_ANCHOR;

// ---------------------------------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------------------------------

/** Prints rows as an aligned text table (numbers right-aligned), the way a terminal user reads it. */
export function printTable(rows: Row[], out: Log = console.log): void {
  if (!rows.length) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: string | number | undefined) => (v === undefined ? '' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : v);
  // CJK characters take two terminal columns.
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  const widths = cols.map((c) => Math.max(width(c), ...rows.map((r) => width(cell(r[c])))));
  const pad = (s: string, w: number, right: boolean) => (right ? ' '.repeat(w - width(s)) + s : s + ' '.repeat(w - width(s)));
  const numeric = cols.map((c) => rows.every((r) => r[c] === undefined || typeof r[c] === 'number'));
  out(cols.map((c, i) => pad(c, widths[i]!, numeric[i]!)).join('  '));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) out(cols.map((c, i) => pad(cell(r[c]), widths[i]!, numeric[i]!)).join('  '));
}

/** Writes a scenario's results to bench/results/<scenario>-<timestamp>.json (gitignored) and returns the path. */
export function writeResults(scenario: string, payload: Record<string, unknown>): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(RESULTS_DIR, `${scenario}-${stamp}.json`);
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
  fs.writeFileSync(file, `${JSON.stringify({ scenario, at: new Date().toISOString(), machine, ...payload }, null, 2)}\n`);
  return file;
}
