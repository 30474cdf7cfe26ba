import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { TImportKind, TImportMapping, TImportPhase } from '../../../contracts/imports.js';
import type { TDb, TTx } from '../../db/index.js';
import * as schema from '../../db/schema.js';
import type { Clock } from '../../platform/clock.js';
import { ConflictError } from '../../platform/errors.js';
import { RejectLog, SAMPLE_REJECTIONS, writeErrorCsv, type TRejection } from './errors-file.js';
import { customersKind } from './kind-customers.js';
import { repairOrdersKind } from './kind-repair-orders.js';
import { salesOrdersKind } from './kind-sales-orders.js';
import { vehiclesKind } from './kind-vehicles.js';
import { RowReader, type KindSpec, type Lookups, type MergeContext, type StageValue, type Tables } from './kinds.js';
import { cellText } from './parse.js';
import { isBlankRow, openTable, type TFileFormat } from './source.js';

/**
 * The import pipeline, shared by the dry run and the run:
 *   1. stream the file (csv-parse / exceljs streaming reader), validate and normalise each row in JS, COPY valid rows
 *      into an UNLOGGED staging table and log rejected ones — memory stays flat whatever the file size; the dry run
 *      keeps its staged rows and the run takes them over when they still match (`KeptStaging`);
 *   2. resolve the staged rows against the database in one set-based statement per kind (natural keys, duplicates
 *      in the file, owners and vehicles to find or create, what would change);
 *   3. dry run: count; run: write the target tables (new rows by plain INSERT, changed ones by INSERT … ON CONFLICT
 *      … DO UPDATE … WHERE (changed)), build the error file beside the write and let the caller record the outcome —
 *      all in one transaction, so a crash at any point leaves nothing half-imported and a retry starts again with the
 *      same result.
 *
 * Rules every kind follows:
 *   - row numbers are the spreadsheet's (header = row 1); blank rows are not data rows; every data row ends up
 *     created, updated, unchanged or rejected (with a reason in the error file) — none is dropped silently;
 *   - a natural key (mobile, VIN, order number, store + RO number) seen twice in one file: the last row wins, each
 *     earlier one is rejected naming the row that superseded it (a DMS export lists a record again after it changed);
 *   - an empty cell keeps the stored value; unmapped columns are never touched;
 *   - only records of the importing store are updated; a key held by another store's record is a rejection.
 */
export const KINDS: Record<TImportKind, KindSpec> = {
  customers: customersKind,
  vehicles: vehiclesKind,
  sales_orders: salesOrdersKind,
  repair_orders: repairOrdersKind,
};

export interface PipelineJob {
  id: string;
  kind: TImportKind;
  storeId: string;
  filePath: string;
  format: TFileFormat;
  mapping: TImportMapping;
}

export interface ImportOutcome {
  totalRows: number;
  createdCount: number;
  updatedCount: number;
  unchangedCount: number;
  rejectedCount: number;
  customersCreated: number;
  vehiclesCreated: number;
  sampleRejections: TRejection[];
  /** The error CSV (run only, when rows were rejected). */
  errorFile: string | null;
}

export interface PipelineOptions {
  db: TDb;
  clock: Clock;
  job: PipelineJob;
  mode: 'preview' | 'run';
  /** Rows read so far; called at most about once a second. */
  onProgress?: (processedRows: number) => Promise<void>;
  /** Run only: the step the run starts (read the file, match it against the records, write them). */
  onPhase?: (phase: TImportPhase) => Promise<void>;
  /**
   * Run only: called once this attempt holds the import's lock (an earlier attempt or a dry run may have held it);
   * returns false when there is nothing left to do (the import completed meanwhile).
   */
  onLocked?: () => Promise<boolean>;
  /** Run only: records the outcome (job row, event, audit) inside the transaction that writes the records. */
  finish?: (tx: TTx, outcome: ImportOutcome) => Promise<void>;
  /** Receives each step's duration (`stage 1234 ms`), for benchmarks and slow-import diagnosis. */
  log?: (line: string) => void;
}

/** A dry run of an import that is being previewed or run right now. */
export class ImportBusyError extends ConflictError {
  constructor() {
    super('该导入正在预览或导入中，请稍后再试 / This import is being previewed or run; try again shortly');
  }
}

const COPY_CHUNK = 256 * 1024;
const PROGRESS_MS = 1000;

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIAL_G = /[\\\t\n\r]/g;

/** One line of COPY text format. */
function copyLine(rowNo: number, values: readonly StageValue[]): string {
  let line = String(rowNo);
  for (const v of values) {
    if (v === null) line += '\t\\N';
    else if (typeof v === 'number') line += `\t${v}`;
    else line += `\t${COPY_SPECIAL.test(v) ? v.replace(COPY_SPECIAL_G, (c) => COPY_ESCAPES[c]!) : v}`;
  }
  return `${line}\n`;
}

const lookupKey = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

/** A name → id map where a name shared by two ids maps to null (ambiguous). */
function uniqueMap(entries: Iterable<readonly [string, string]>, into = new Map<string, string | null>()): Map<string, string | null> {
  for (const [k, id] of entries) {
    if (!k) continue;
    const prev = into.get(k);
    into.set(k, prev === undefined || prev === id ? id : null);
  }
  return into;
}

/** The store's local calendar date of an instant. */
export function localDateOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

async function loadContext(db: TDb | TTx, storeId: string, now: Date): Promise<{ merge: MergeContext; lookups: Lookups }> {
  const store = await db.execute<{ timezone: string }>(sql`SELECT timezone FROM stores WHERE id = ${storeId}`);
  const timezone = store.rows[0]?.timezone || 'Asia/Shanghai';
  const today = localDateOf(now, timezone);
  const models = await db.execute<{ id: string; brand: string; series: string; name: string }>(sql`SELECT id, brand, series, name FROM vehicle_models`);
  const full = uniqueMap(
    models.rows.flatMap((m) => [
      [lookupKey(m.name), m.id],
      [lookupKey(`${m.series}${m.name}`), m.id],
      [lookupKey(`${m.brand}${m.series}${m.name}`), m.id],
      [lookupKey(`${m.brand}${m.name}`), m.id],
    ] as const),
  );
  // A series alone (`L7`) names a model only when the catalogue has one model of that series.
  const bySeries = uniqueMap(models.rows.flatMap((m) => [[lookupKey(m.series), m.id], [lookupKey(`${m.brand}${m.series}`), m.id]] as const));
  const staffRows = await db.execute<{ id: string; display_name: string; username: string }>(
    sql`SELECT id, display_name, username FROM staff WHERE store_id = ${storeId}`,
  );
  const staff = uniqueMap(staffRows.rows.flatMap((s) => [[lookupKey(s.display_name), s.id], [lookupKey(s.username), s.id]] as const));
  return {
    merge: { storeId, timezone, today, now },
    lookups: {
      today,
      model(name) {
        const k = lookupKey(name);
        const id = full.has(k) ? full.get(k) : bySeries.get(k);
        if (id) return { ok: true, value: id };
        if (id === null) return { ok: false, reason: `「${name}」对应多个车型，请写全称（品牌 车系 车型） / "${name}" matches several models; give brand, series and name` };
        return { ok: false, reason: `「${name}」不在车型库中 / "${name}" is not in the model catalogue` };
      },
      staffId: (name) => staff.get(lookupKey(name)) ?? null,
    },
  };
}

/**
 * The dry run's staged rows, kept for the run: the dry run has just read, validated and COPYed the whole file, and the
 * run would do exactly the same work again (a million rows: ~12 s of the run). The table's comment says what it holds;
 * the run takes it only when it was staged from the same file with the same mapping, staging columns and store, on
 * the same local day (dates in the future are rejected by that day), and still holds every row it was given (an
 * UNLOGGED table comes back empty after a server crash). Otherwise the run stages the file itself, as before.
 * Names and staff are matched to ids as the dry run matched them, which is what the user reviewed.
 */
export interface KeptStaging {
  fingerprint: string;
  stagedAt: string;
  /** Data rows of the file; those not rejected are the table's rows. */
  totalRows: number;
  headers: string[];
  rejected: number;
  samples: TRejection[];
}

const KEPT_PREFIX = 'import_pv_';

export function keptStagingOf(importId: string, dir: string): { table: string; rejectsFile: string } {
  return { table: `${KEPT_PREFIX}${importId.replace(/-/g, '')}`, rejectsFile: path.join(dir, 'staged-rejects.jsonl') };
}

function stagingFingerprint(spec: KindSpec, job: PipelineJob, merge: MergeContext): string {
  const mapping = Object.fromEntries(Object.entries(job.mapping).sort(([a], [b]) => a.localeCompare(b)));
  const size = fs.statSync(job.filePath).size;
  return crypto
    .createHash('sha256')
    .update(JSON.stringify({ kind: spec.kind, columns: spec.columns, mapping, storeId: job.storeId, today: merge.today, file: job.filePath, size, format: job.format }))
    .digest('hex');
}

async function findKeptStaging(client: pg.PoolClient, kept: { table: string; rejectsFile: string }, fingerprint: string): Promise<KeptStaging | null> {
  const r = await client.query<{ comment: string | null }>(`SELECT obj_description(to_regclass($1), 'pg_class') AS comment`, [kept.table]);
  const comment = r.rows[0]?.comment;
  if (!comment) return null;
  let state: KeptStaging;
  try {
    state = JSON.parse(comment) as KeptStaging;
  } catch {
    return null;
  }
  if (state.fingerprint !== fingerprint || !fs.existsSync(kept.rejectsFile)) return null;
  const n = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${kept.table}"`);
  return Number(n.rows[0]!.n) === state.totalRows - state.rejected ? state : null;
}

async function dropKeptStaging(q: Pick<pg.Pool, 'query'>, kept: { table: string; rejectsFile: string }): Promise<void> {
  await q.query(`DROP TABLE IF EXISTS "${kept.table}"`);
  await fs.promises.rm(kept.rejectsFile, { force: true });
}

/**
 * Drops kept dry-run tables that will not be run: of imports that are gone, completed, or were previewed more than
 * `maxAgeHours` ago (the run only takes a table staged the same day). An import being previewed or run holds its
 * lock and is skipped. Returns the tables dropped.
 */
export async function sweepKeptStaging(db: TDb, now: Date, maxAgeHours = 24): Promise<string[]> {
  const pool = (db as unknown as { $client: pg.Pool }).$client;
  const client = await pool.connect();
  const dropped: string[] = [];
  try {
    const r = await client.query<{ name: string; comment: string | null; id: string | null; status: string | null; file_path: string | null }>(
      `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment, j.id, j.status, j.file_path
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
       LEFT JOIN import_jobs j ON replace(j.id::text, '-', '') = substr(c.relname, ${KEPT_PREFIX.length + 1})
       WHERE c.relkind = 'r' AND c.relname LIKE $1`,
      [`${KEPT_PREFIX.replace(/_/g, '\\_')}%`],
    );
    for (const t of r.rows) {
      let stagedAt = 0;
      try {
        stagedAt = Date.parse((JSON.parse(t.comment ?? '{}') as Partial<KeptStaging>).stagedAt ?? '') || 0;
      } catch {
        // an unreadable comment counts as old
      }
      const wanted = t.id !== null && t.status !== 'completed' && now.getTime() - stagedAt < maxAgeHours * 3_600_000;
      if (wanted) continue;
      if (t.id) {
        const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [`import:${t.id}`]);
        if (!got.rows[0]!.ok) continue;
      }
      try {
        await client.query(`DROP TABLE IF EXISTS "${t.name}"`);
        if (t.file_path) await fs.promises.rm(keptStagingOf(t.id!, path.dirname(t.file_path)).rejectsFile, { force: true });
        dropped.push(t.name);
      } finally {
        if (t.id) await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [`import:${t.id}`]);
      }
    }
  } finally {
    client.release();
  }
  return dropped;
}

/** Drops staging tables a crashed earlier attempt of this import left behind. */
async function dropLeftovers(client: pg.PoolClient, hex: string): Promise<void> {
  const r = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE $1`,
    [`import\\_%\\_${hex}\\_%`],
  );
  for (const { name } of r.rows) await client.query(`DROP TABLE IF EXISTS "${name}"`);
}

/** Streams the file into the staging table; returns the number of data rows (blank rows are not data). */
async function stage(
  client: pg.PoolClient,
  o: PipelineOptions,
  spec: KindSpec,
  stName: string,
  lookups: Lookups,
  rejects: RejectLog,
): Promise<{ totalRows: number; headers: string[] }> {
  const table = await openTable(o.job.filePath, o.job.format);
  const idx: Record<string, number> = {};
  for (const [field, header] of Object.entries(o.job.mapping)) {
    const i = table.headers.indexOf(header);
    if (i >= 0) idx[field] = i;
  }
  const row = new RowReader(spec.kind, idx);
  const copy = client.query(copyFrom(`COPY "${stName}" (row_no, ${spec.columns.map(([c]) => c).join(', ')}) FROM STDIN`));
  let copyError: Error | null = null;
  copy.on('error', (e: Error) => {
    copyError = e;
  });
  let buf = '';
  let totalRows = 0;
  let lastProgress = Date.now();
  try {
    for await (const batch of table.rows) {
      for (const r of batch) {
        if (isBlankRow(r.cells)) continue;
        totalRows++;
        row.reset(r.cells);
        const values = spec.normalise(row, lookups);
        if (values) buf += copyLine(r.rowNo, values);
        else await rejects.add(r.rowNo, row.reasons.join('；'), table.headers.map((_, i) => cellText(r.cells[i])));
      }
      if (copyError) throw copyError;
      if (buf.length >= COPY_CHUNK) {
        const more = copy.write(buf);
        buf = '';
        if (!more) await once(copy, 'drain');
      }
      if (o.onProgress && Date.now() - lastProgress >= PROGRESS_MS) {
        lastProgress = Date.now();
        await o.onProgress(totalRows);
      }
    }
    if (buf) copy.write(buf);
    copy.end();
    await finished(copy);
  } catch (err) {
    copy.destroy(err as Error);
    throw err;
  } finally {
    await table.rows.return(undefined);
  }
  return { totalRows, headers: table.headers };
}

/** Times `fn` as one named step when a log is attached. */
async function step<T>(o: PipelineOptions, name: string, fn: () => Promise<T>): Promise<T> {
  if (!o.log) return fn();
  const t = performance.now();
  const r = await fn();
  o.log(`${o.mode} ${name}: ${Math.round(performance.now() - t)} ms`);
  return r;
}

/**
 * Runs the pipeline for one import (see the module comment). One pipeline per import at a time (a session advisory
 * lock on its connection): a dry run that finds the import busy is a 409, a run waits for the lock. Returns null
 * when a run found nothing to do once it held the lock.
 */
export async function runPipeline(o: PipelineOptions & { mode: 'preview' }): Promise<ImportOutcome>;
export async function runPipeline(o: PipelineOptions): Promise<ImportOutcome | null>;
export async function runPipeline(o: PipelineOptions): Promise<ImportOutcome | null> {
  const spec = KINDS[o.job.kind];
  // COPY needs the driver's own client; drizzle's node-postgres instance exposes the pool it was built on.
  const pool = (o.db as unknown as { $client: pg.Pool }).$client;
  const client = await pool.connect();
  const cdb = drizzle(client, { schema, casing: 'snake_case' });
  const hex = o.job.id.replace(/-/g, '');
  const nonce = crypto.randomBytes(3).toString('hex');
  const names = { st: `import_st_${hex}_${nonce}`, rs: `import_rs_${hex}_${nonce}`, nv: `import_nv_${hex}_${nonce}` };
  const dir = path.dirname(o.job.filePath);
  const kept = keptStagingOf(o.job.id, dir);
  const mergeLog = path.join(dir, 'merge-rejects.jsonl');
  const lockKey = `import:${o.job.id}`;
  let rejects: RejectLog | null = null;
  let reused: KeptStaging | null = null;
  let committed = false;
  let locked = false;
  let broken = false;
  try {
    if (o.mode === 'preview') {
      locked = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [lockKey])).rows[0]!.ok;
      if (!locked) throw new ImportBusyError();
    } else {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
      locked = true;
      if (o.onLocked && !(await o.onLocked())) return null;
    }
    // Holding the lock, nothing else works on this import: tables an interrupted attempt left behind can go.
    await dropLeftovers(client, hex);
    // The staging and resolved tables are analysed so joins are planned for their real sizes; a small sample is
    // enough for that, and much cheaper than the default 30,000 rows.
    await client.query(`SET default_statistics_target = 20`);
    await client.query(`SET work_mem = '64MB'`);
    const { merge, lookups } = await loadContext(cdb, o.job.storeId, o.clock.now());
    const fingerprint = stagingFingerprint(spec, o.job, merge);
    let staged: { totalRows: number; headers: string[] };
    if (o.mode === 'run') reused = await step(o, 'reuse the dry run\'s staged rows', () => findKeptStaging(client, kept, fingerprint));
    if (reused) {
      names.st = kept.table;
      staged = { totalRows: reused.totalRows, headers: reused.headers };
      rejects = RejectLog.restore(kept.rejectsFile, reused.rejected, reused.samples);
      // Every row has been read and checked (by the dry run): the progress says so from the start.
      await o.onProgress?.(reused.totalRows);
    } else {
      // A dry run stages into the table the run will look for; a run that finds none (or a stale one) stages its own.
      if (o.mode === 'preview') {
        await dropKeptStaging(client, kept);
        names.st = kept.table;
      }
      rejects = new RejectLog(o.mode === 'preview' ? kept.rejectsFile : path.join(dir, 'rejects.jsonl'));
      await client.query(`CREATE UNLOGGED TABLE "${names.st}" (row_no integer NOT NULL, ${spec.columns.map(([c, type]) => `${c} ${type}`).join(', ')})`);
      try {
        staged = await step(o, 'stage (read, validate, COPY)', () => stage(client, o, spec, names.st, lookups, rejects!));
      } finally {
        await rejects.close();
      }
      await step(o, 'analyze staging', () => client.query(`ANALYZE "${names.st}"`));
    }
    const t: Tables = { st: sql.identifier(names.st), rs: sql.identifier(names.rs), nv: sql.identifier(names.nv) };
    if (o.mode === 'preview') {
      const state: KeptStaging = { fingerprint, stagedAt: o.clock.now().toISOString(), totalRows: staged.totalRows, headers: staged.headers, rejected: rejects.count, samples: rejects.samples };
      await client.query(`COMMENT ON TABLE "${names.st}" IS ${client.escapeLiteral(JSON.stringify(state))}`);
    }
    const validation = rejects; // not null from here on (the closures below would not see it narrowed)

    if (o.mode === 'preview') {
      await resolve(cdb, spec, t, merge, o);
      const counts = await cdb.execute<{ rejected: number; created: number; updated: number; unchanged: number }>(sql`
        SELECT count(*) FILTER (WHERE reject IS NOT NULL) AS rejected, count(*) FILTER (WHERE action = 'create') AS created,
          count(*) FILTER (WHERE action = 'update') AS updated, count(*) FILTER (WHERE action = 'unchanged') AS unchanged
        FROM ${t.rs}`);
      const related = await cdb.execute<{ customers: number; vehicles: number }>(spec.related(t, merge));
      const sample = await cdb.execute<{ row_no: number; reject: string }>(
        sql`SELECT row_no, reject FROM ${t.rs} WHERE reject IS NOT NULL ORDER BY row_no LIMIT ${SAMPLE_REJECTIONS}`,
      );
      const c = counts.rows[0]!;
      return {
        totalRows: staged.totalRows,
        createdCount: Number(c.created),
        updatedCount: Number(c.updated),
        unchangedCount: Number(c.unchanged),
        rejectedCount: validation.count + Number(c.rejected),
        customersCreated: Number(related.rows[0]?.customers ?? 0),
        vehiclesCreated: Number(related.rows[0]?.vehicles ?? 0),
        sampleRejections: [...validation.samples, ...sample.rows.map((r) => ({ row: r.row_no, reason: r.reject }))]
          .sort((a, b) => a.row - b.row)
          .slice(0, SAMPLE_REJECTIONS),
        errorFile: null,
      };
    }

    await o.onPhase?.('match');
    return await cdb.transaction(async (tx) => {
      await resolve(tx, spec, t, merge, o);
      const c = (
        await tx.execute<{ valid: number; rejected: number }>(
          sql`SELECT count(*) FILTER (WHERE reject IS NULL) AS valid, count(*) FILTER (WHERE reject IS NOT NULL) AS rejected FROM ${t.rs}`,
        )
      ).rows[0]!;
      const mergeRejected = Number(c.rejected);
      const sample = await tx.execute<{ row_no: number; reject: string }>(
        sql`SELECT row_no, reject FROM ${t.rs} WHERE reject IS NOT NULL ORDER BY row_no LIMIT ${SAMPLE_REJECTIONS}`,
      );
      // The error file needs the source read once more (JS) while the write keeps the database busy: the two run side
      // by side, the merge-time rejections first copied out of the transaction's tables to a file of their own.
      let errorFile: string | null = null;
      let errors: Promise<void> = Promise.resolve();
      if (validation.count + mergeRejected > 0) {
        if (mergeRejected > 0) await step(o, 'merge rejections', () => dumpMergeRejects(tx, t, mergeLog));
        const out = path.join(dir, 'errors.csv');
        errorFile = out;
        errors = step(o, 'error file', () => writeErrorCsv({
          out,
          headers: staged.headers,
          validationLog: validation.count > 0 ? validation.file : null,
          mergeLog: mergeRejected > 0 ? mergeLog : null,
          openSource: () => openTable(o.job.filePath, o.job.format),
        }));
      }
      await o.onPhase?.('write');
      const [written] = await allOrFirstError(step(o, 'write', () => spec.write(tx, t, { ...merge, log: o.log })), errors);
      const outcome: ImportOutcome = {
        totalRows: staged.totalRows,
        createdCount: written.created,
        updatedCount: written.updated,
        unchangedCount: Number(c.valid) - written.created - written.updated,
        rejectedCount: validation.count + mergeRejected,
        customersCreated: written.customersCreated,
        vehiclesCreated: written.vehiclesCreated,
        sampleRejections: [...validation.samples, ...sample.rows.map((r) => ({ row: r.row_no, reason: r.reject }))]
          .sort((a, b) => a.row - b.row)
          .slice(0, SAMPLE_REJECTIONS),
        errorFile,
      };
      await o.finish?.(tx, outcome);
      return outcome;
    }).then((outcome) => {
      committed = true;
      return outcome;
    });
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    // The dry run's staged rows stay for the run (and its retries) until the run has committed; a run's own do not.
    if (rejects?.file && rejects.file !== kept.rejectsFile) await fs.promises.rm(rejects.file, { force: true });
    await fs.promises.rm(mergeLog, { force: true });
    // A connection that failed mid-COPY is not reusable; drop the tables over a fresh one and discard it.
    const dropper = broken ? pool : client;
    const drop = [names.rs, names.nv, ...(names.st === kept.table ? [] : [names.st])];
    await dropper.query(`DROP TABLE IF EXISTS ${drop.map((n) => `"${n}"`).join(', ')}`).catch(() => {});
    // Only under this import's lock: a dry run turned away as busy must not take the rows of the one that holds it.
    if (locked && ((o.mode === 'preview' && broken) || committed)) await dropKeptStaging(dropper, kept).catch(() => {});
    if (!broken) {
      await client.query(`RESET work_mem; RESET default_statistics_target`).catch(() => {});
      if (locked) await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]).catch(() => {});
    }
    // A discarded connection takes its session lock with it.
    client.release(broken);
  }
}

/** Creates the resolved tables; each is analysed so the write statements get plans for its real size. */
async function resolve(db: TDb | TTx, spec: KindSpec, t: Tables, merge: MergeContext, o: PipelineOptions): Promise<void> {
  const q = spec.resolve(t, merge);
  await step(o, 'resolve', async () => {
    await db.execute(q.rs);
    await db.execute(sql`ANALYZE ${t.rs}`);
  });
  const nv = q.nv;
  if (nv) {
    await step(o, 'resolve new vehicles', async () => {
      await db.execute(nv);
      await db.execute(sql`ANALYZE ${t.nv}`);
    });
  }
}

/** Merge-time rejections in row order, through a cursor (there may be many), into a JSON-lines file. */
async function dumpMergeRejects(tx: TTx, t: Tables, file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  const done = finished(out);
  await tx.execute(sql`DECLARE import_rejects NO SCROLL CURSOR FOR SELECT row_no, reject FROM ${t.rs} WHERE reject IS NOT NULL ORDER BY row_no`);
  try {
    for (;;) {
      const r = await tx.execute<{ row_no: number; reject: string }>(sql`FETCH 5000 FROM import_rejects`);
      if (r.rows.length === 0) break;
      if (!out.write(r.rows.map((x) => `${JSON.stringify([x.row_no, x.reject])}\n`).join(''))) await once(out, 'drain');
    }
  } finally {
    await tx.execute(sql`CLOSE import_rejects`);
    out.end();
    await done;
  }
}

/** Waits for both; the first failure (in argument order) is thrown once neither is running any more. */
async function allOrFirstError<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}
