import { and, desc, eq, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  IMPORT_FIELDS,
  ZImportUploadFields,
  type TImportJob,
  type TImportKind,
  type TImportListQuery,
  type TImportMapping,
  type TImportMappingSave,
  type TImportPreview,
  type TImportUpload,
} from '../../../contracts/imports.js';
import type { TConfig } from '../../config.js';
import { newId } from '../../db/columns.js';
import type { TDb } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { AppError, BusinessRuleError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Jobs } from '../../platform/jobs.js';
import { decodeCursor, encodeCursor, type Page } from '../../platform/pagination.js';
import { assertCan, assertStoreAccess, storeScope, targetStore, type Actor } from '../../platform/rbac.js';
import { emitEvent, recordAudit } from '../audit/service.js';
import { staff, stores } from '../org/schema.js';
import { importRunJob, type TImportRunJob } from './jobs.js';
import { fieldsOf, mappingErrors, suggestMapping } from './mapping.js';
import { runPipeline, type ImportOutcome } from './pipeline.js';
import { importJobs, importMappings } from './schema.js';
import { readHeadAndSample, sniffFormat, type TFileFormat } from './source.js';

export interface ImportsDeps {
  db: TDb;
  clock: Clock;
  jobs: Jobs | null;
  config: TConfig;
  /** Step timings of every dry run and run (the benchmark prints them). */
  log?: (line: string) => void;
}

/** A part of the multipart upload, as the route hands it over (fields and the file may come in any order). */
export type TUploadPart = { type: 'field'; name: string; value: unknown } | { type: 'file'; fileName: string; stream: Readable };

type TImportRow = typeof importJobs.$inferSelect;

const ACCEPTED_EXTENSIONS = new Set(['.csv', '.txt', '.tsv', '.xlsx']);
const ACTIVE = ['queued', 'running', 'completed'] as const;
/** States a run job acts on: queued, interrupted (still `running`), or failed and retried by pg-boss. */
const RUNNABLE: string[] = ['queued', 'running', 'failed'];

const toJob = (r: TImportRow, createdByName: string | null): TImportJob => ({
  id: r.id,
  storeId: r.storeId,
  kind: r.kind,
  fileName: r.fileName,
  format: r.format as TFileFormat,
  fileBytes: r.fileBytes,
  status: r.status,
  headers: r.headers,
  mapping: r.mapping,
  totalRows: r.totalRows,
  processedRows: r.processedRows,
  phase: r.phase,
  createdCount: r.createdCount,
  updatedCount: r.updatedCount,
  unchangedCount: r.unchangedCount,
  rejectedCount: r.rejectedCount,
  preview: (r.preview as TImportPreview | null) ?? null,
  error: r.error,
  hasErrorFile: r.status === 'completed' && r.errorFilePath !== null,
  createdBy: r.createdBy && createdByName !== null ? { id: r.createdBy, displayName: createdByName } : null,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const staffIdOf = (actor: Actor) => (actor.username === 'system' ? null : actor.staffId);

/** Streams the upload to disk, counting lines (the CSV row estimate) and keeping the first bytes (the format). */
function inspector() {
  let head = Buffer.alloc(0);
  let newlines = 0;
  let bytes = 0;
  let last = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (head.length < 8) head = Buffer.concat([head, chunk.subarray(0, 8)]);
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
      if (chunk.length) last = chunk[chunk.length - 1]!;
      cb(null, chunk);
    },
  });
  return { t, result: () => ({ head, bytes, lines: newlines + (bytes > 0 && last !== 10 ? 1 : 0) }) };
}

/** The imports module: upload → mapping → dry run → run (a pg-boss job) → error file. */
export function createImportsService({ db, clock, jobs, config, log }: ImportsDeps) {
  const importsDir = path.join(config.filesDir, 'imports');

  async function load(actor: Actor, id: string): Promise<TImportRow> {
    assertCan(actor, 'imports.run');
    const [row] = await db.select().from(importJobs).where(eq(importJobs.id, id));
    if (!row) throw new NotFoundError('导入任务');
    assertStoreAccess(actor, row.storeId, '导入任务');
    return row;
  }

  async function detail(id: string): Promise<TImportJob> {
    const [r] = await db
      .select({ job: importJobs, createdByName: staff.displayName })
      .from(importJobs)
      .leftJoin(staff, eq(staff.id, importJobs.createdBy))
      .where(eq(importJobs.id, id));
    if (!r) throw new NotFoundError('导入任务');
    return toJob(r.job, r.createdByName);
  }

  async function savedMappings(kind: TImportKind) {
    return db.select().from(importMappings).where(eq(importMappings.kind, kind)).orderBy(desc(importMappings.updatedAt));
  }

  async function upsertMapping(actor: Actor, input: TImportMappingSave) {
    const known = new Set(IMPORT_FIELDS[input.kind].map((d) => d.field));
    const unknown = Object.keys(input.mapping).filter((f) => !known.has(f));
    if (unknown.length) {
      throw new ValidationError('映射中有未知字段 / The mapping has unknown fields', unknown.map((f) => ({ path: `mapping.${f}`, message: `未知字段 ${f} / Unknown field` })));
    }
    return db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ id: importMappings.id })
        .from(importMappings)
        .where(and(eq(importMappings.kind, input.kind), eq(importMappings.name, input.name)));
      const [row] = await tx
        .insert(importMappings)
        .values({ kind: input.kind, name: input.name, mapping: input.mapping, createdBy: staffIdOf(actor) })
        .onConflictDoUpdate({ target: [importMappings.kind, importMappings.name], set: { mapping: input.mapping, updatedAt: clock.now() } })
        .returning();
      await recordAudit(tx, actor, { action: 'import_mapping.save', entityType: 'import_mapping', entityId: row!.id, detail: { kind: input.kind, name: input.name } });
      return { preset: row!, created: !existing };
    });
  }

  async function markFailed(id: string, err: unknown) {
    // drizzle wraps driver errors ("Failed query: <the SQL>"); the database's own message is the useful one.
    let root: unknown = err;
    while (!(root instanceof AppError) && root instanceof Error && root.cause instanceof Error) root = root.cause;
    const message = root instanceof Error ? root.message : String(root);
    await db
      .update(importJobs)
      .set({ status: 'failed', phase: null, error: `导入失败 / Import failed: ${message}`.slice(0, 1000), finishedAt: clock.now(), updatedAt: clock.now() })
      .where(eq(importJobs.id, id));
  }

  const service = {
    /**
     * Step 1: receives the multipart upload, streaming the file to `<filesDir>/imports/<id>/` (never buffered whole),
     * and answers the headers, a suggested mapping (a fitting saved mapping first) and the first rows.
     * Fields: `kind`, `storeId` (group admins name the store; others import into their own).
     */
    async upload(actor: Actor, parts: AsyncIterable<TUploadPart>): Promise<TImportUpload> {
      assertCan(actor, 'imports.run');
      const id = newId();
      const dir = path.join(importsDir, id);
      const fields: Record<string, unknown> = {};
      let file: { path: string; name: string; bytes: number; lines: number; format: TFileFormat } | null = null;
      try {
        for await (const part of parts) {
          if (part.type === 'field') {
            fields[part.name] = part.value;
            continue;
          }
          if (file) {
            part.stream.resume(); // one file per import; drain any other
            continue;
          }
          // Fields sent before the file (as the console does) are checked before a byte is written.
          if (fields.kind !== undefined) checkFields(actor, fields);
          const ext = path.extname(part.fileName).toLowerCase();
          if (!ACCEPTED_EXTENSIONS.has(ext)) {
            part.stream.resume();
            throw new ValidationError(ext === '.xls' ? XLS_MESSAGE : '只支持 .xlsx 和 .csv 文件 / Only .xlsx and .csv files can be imported', [{ path: 'file', message: 'unsupported type' }]);
          }
          await fs.promises.mkdir(dir, { recursive: true });
          const tmp = path.join(dir, 'upload.part');
          const probe = inspector();
          await pipeline(part.stream, probe.t, fs.createWriteStream(tmp));
          const { head, bytes, lines } = probe.result();
          const format = sniffFormat(head);
          if (format === 'xls') throw new ValidationError(XLS_MESSAGE, [{ path: 'file', message: 'xls' }]);
          if (ext === '.xlsx' && format !== 'xlsx') throw new ValidationError('文件不是有效的 .xlsx / The file is not a valid .xlsx', [{ path: 'file', message: 'invalid' }]);
          const dest = path.join(dir, `source.${format}`);
          await fs.promises.rename(tmp, dest);
          file = { path: dest, name: part.fileName.slice(0, 200), bytes, lines, format };
        }
        const f = file;
        if (!f || f.bytes === 0) throw new ValidationError('请选择要导入的文件 / Choose a file to import', [{ path: 'file', message: 'required' }]);
        const { kind, storeId } = checkFields(actor, fields);
        const [store] = await db.select({ id: stores.id }).from(stores).where(eq(stores.id, storeId));
        if (!store) throw new NotFoundError('门店');

        let head: Awaited<ReturnType<typeof readHeadAndSample>>;
        try {
          head = await readHeadAndSample(f.path, f.format);
        } catch {
          throw new ValidationError('无法读取文件，请确认是 Excel (.xlsx) 或 CSV / The file cannot be read; use .xlsx or .csv', [{ path: 'file', message: 'unreadable' }]);
        }
        if (head.headers.length === 0) throw new ValidationError('文件中没有数据 / The file is empty', [{ path: 'file', message: 'empty' }]);
        const suggestion = suggestMapping(kind, head.headers, await savedMappings(kind));
        // CSV: its line count less the lines down to the header row (an estimate: blank and multi-line rows count).
        const totalRows = f.format === 'csv' ? Math.max(0, f.lines - head.headerRowNo) : 0;
        await db.transaction(async (tx) => {
          await tx.insert(importJobs).values({
            id,
            storeId,
            kind,
            fileName: f.name,
            filePath: f.path,
            fileBytes: Math.min(f.bytes, 2_147_483_647),
            format: f.format,
            headers: head.headers,
            mapping: suggestion.mapping,
            totalRows,
            createdBy: staffIdOf(actor),
          });
          await recordAudit(tx, actor, { action: 'import.upload', entityType: 'import', entityId: id, storeId, detail: { kind, fileName: f.name, bytes: f.bytes } });
        });
        return {
          id,
          kind,
          storeId,
          fileName: f.name,
          format: f.format,
          headers: head.headers,
          suggestedMapping: suggestion.mapping,
          savedMappingName: suggestion.savedMappingName,
          sampleRows: head.sampleRows,
          totalRows,
          fields: fieldsOf(kind),
        };
      } catch (err) {
        await fs.promises.rm(dir, { recursive: true, force: true });
        throw err;
      }
    },

    /** Imports of the actor's stores, newest first. */
    async list(actor: Actor, q: TImportListQuery): Promise<Page<TImportJob>> {
      assertCan(actor, 'imports.run');
      const conds: SQL[] = [storeScope(actor, importJobs.storeId)];
      if (q.kind) conds.push(eq(importJobs.kind, q.kind));
      if (q.status) conds.push(eq(importJobs.status, q.status));
      const c = decodeCursor(q.cursor, 2) as [string, string] | undefined;
      if (c) conds.push(or(lt(importJobs.createdAt, new Date(c[0])), and(eq(importJobs.createdAt, new Date(c[0])), lt(importJobs.id, c[1])))!);
      const rows = await db
        .select({ job: importJobs, createdByName: staff.displayName })
        .from(importJobs)
        .leftJoin(staff, eq(staff.id, importJobs.createdBy))
        .where(and(...conds))
        .orderBy(desc(importJobs.createdAt), desc(importJobs.id))
        .limit(q.limit + 1);
      const items = rows.slice(0, q.limit).map((r) => toJob(r.job, r.createdByName));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
    },

    /** One import with its status, progress and counts (poll this while it runs). */
    async get(actor: Actor, id: string): Promise<TImportJob> {
      await load(actor, id);
      return detail(id);
    },

    /**
     * Step 2–3: checks the mapping and dry-runs the whole pipeline (stream, validate, stage, resolve) without writing
     * any customer, vehicle or order: how many rows would be created, updated, left unchanged or rejected, with the
     * first rejections. The preview runs in the request — the pipeline streams ~100k rows a second, so even a
     * million-row file answers in seconds — and its count becomes the import's exact total.
     */
    async preview(actor: Actor, id: string, body: { mapping: TImportMapping; saveMappingAs?: string }): Promise<TImportPreview> {
      const job = await load(actor, id);
      if ((ACTIVE as readonly string[]).includes(job.status)) {
        throw new BusinessRuleError('import-started', '导入已开始，不能再预览 / This import has already started');
      }
      const errors = mappingErrors(job.kind, body.mapping, job.headers);
      if (errors.length) throw new ValidationError('字段对应关系有误 / The column mapping is incomplete', errors.map((e) => ({ ...e, path: `body.${e.path}` })));
      const outcome = await runPipeline({ db, clock, log, mode: 'preview', job: { ...job, format: job.format as TFileFormat, mapping: body.mapping } });
      const preview = previewOf(outcome);
      await db
        .update(importJobs)
        .set({ mapping: body.mapping, preview, status: 'previewed', totalRows: outcome.totalRows, error: null, updatedAt: clock.now() })
        .where(and(eq(importJobs.id, id), ne(importJobs.status, 'running'), ne(importJobs.status, 'queued'), ne(importJobs.status, 'completed')));
      if (body.saveMappingAs) await upsertMapping(actor, { kind: job.kind, name: body.saveMappingAs, mapping: body.mapping });
      return preview;
    },

    /**
     * Step 4: queues the run (`imports.run`). An import runs at most once: asking again while it is queued, running
     * or completed answers its current state. `Idempotency-Key` dedupes retried requests: the same key on the same
     * import is a no-op (also after a failure); a key already used for another import is a 409.
     */
    async requestRun(actor: Actor, id: string, idempotencyKey?: string): Promise<TImportJob> {
      const job = await load(actor, id);
      if (idempotencyKey) {
        const [other] = await db
          .select({ id: importJobs.id })
          .from(importJobs)
          .where(and(eq(importJobs.idempotencyKey, idempotencyKey), job.createdBy ? eq(importJobs.createdBy, job.createdBy) : sql`created_by IS NULL`));
        if (other && other.id !== id) throw new ConflictError('该 Idempotency-Key 已用于另一次导入 / This Idempotency-Key was used for another import', { type: 'import', id: other.id });
        if (other) return detail(id);
      }
      if ((ACTIVE as readonly string[]).includes(job.status)) return detail(id);
      if (job.status !== 'previewed' && job.status !== 'failed') {
        throw new BusinessRuleError('preview-required', '请先预览导入结果 / Preview the import first');
      }
      const [queued] = await db
        .update(importJobs)
        .set({ status: 'queued', error: null, updatedAt: clock.now(), ...(idempotencyKey ? { idempotencyKey } : {}) })
        .where(and(eq(importJobs.id, id), inArray(importJobs.status, ['previewed', 'failed'])))
        .returning({ id: importJobs.id });
      if (!queued) return detail(id); // a concurrent request queued it first
      const payload: TImportRunJob = {
        importId: id,
        actor: { staffId: actor.staffId, username: actor.username, displayName: actor.displayName, role: actor.role, storeId: actor.storeId, ...(actor.ip ? { ip: actor.ip } : {}) },
      };
      try {
        if (jobs) await jobs.send(importRunJob(service.runImport), payload);
        else setImmediate(() => void service.runImport(payload).catch(() => {})); // no queue on this node: run here
      } catch (err) {
        await markFailed(id, err);
        throw err;
      }
      return detail(id);
    },

    /**
     * The `imports.run` job. Exclusive per import (an advisory lock), idempotent (a completed import is left alone),
     * restartable (each attempt takes the dry run's staged rows when they are still exactly what it would stage,
     * else restages the file; the merge, the counts, `import.completed` and the audit entry commit together).
     * Progress (rows read, and the step) is written as it goes.
     */
    async runImport(data: TImportRunJob): Promise<void> {
      const [job] = await db.select().from(importJobs).where(eq(importJobs.id, data.importId));
      if (!job || !RUNNABLE.includes(job.status)) return;
      const actor: Actor = { ...data.actor, ip: data.actor.ip };
      try {
        await runPipeline({
          db,
          clock,
          log,
          mode: 'run',
          job: { ...job, format: job.format as TFileFormat },
          onLocked: async () => {
            // Another attempt may have finished while this one waited for the lock.
            const [now] = await db.select({ status: importJobs.status }).from(importJobs).where(eq(importJobs.id, job.id));
            if (!now || !RUNNABLE.includes(now.status)) return false;
            const startedAt = clock.now();
            await db
              .update(importJobs)
              .set({ status: 'running', phase: 'read', startedAt, finishedAt: null, error: null, processedRows: 0, createdCount: 0, updatedCount: 0, unchangedCount: 0, rejectedCount: 0, errorFilePath: null, updatedAt: startedAt })
              .where(eq(importJobs.id, job.id));
            await fs.promises.rm(path.join(path.dirname(job.filePath), 'errors.csv'), { force: true });
            return true;
          },
          onPhase: async (phase) => {
            await db.update(importJobs).set({ phase, updatedAt: clock.now() }).where(eq(importJobs.id, job.id));
          },
          onProgress: async (n) => {
            await db
              .update(importJobs)
              .set({ processedRows: n, totalRows: sql`greatest(${importJobs.totalRows}, ${n})`, updatedAt: clock.now() })
              .where(eq(importJobs.id, job.id));
          },
          finish: async (tx, o) => {
            const finishedAt = clock.now();
            await tx
              .update(importJobs)
              .set({
                status: 'completed',
                phase: null,
                totalRows: o.totalRows,
                processedRows: o.totalRows,
                createdCount: o.createdCount,
                updatedCount: o.updatedCount,
                unchangedCount: o.unchangedCount,
                rejectedCount: o.rejectedCount,
                errorFilePath: o.errorFile,
                error: null,
                finishedAt,
                updatedAt: finishedAt,
              })
              .where(eq(importJobs.id, job.id));
            const counts = countsOf(o);
            await emitEvent(tx, 'import.completed', { storeId: job.storeId, payload: { importId: job.id, kind: job.kind, ...counts } });
            await recordAudit(tx, actor, { action: 'import.run', entityType: 'import', entityId: job.id, storeId: job.storeId, detail: { kind: job.kind, fileName: job.fileName, ...counts } });
          },
        });
      } catch (err) {
        await markFailed(job.id, err);
        throw err;
      }
    },

    /** Step 5: the rejected rows of a completed import as CSV (行号, 原因, the original columns). */
    async errorFile(actor: Actor, id: string): Promise<{ path: string; downloadName: string }> {
      const job = await load(actor, id);
      if (job.status !== 'completed' || !job.errorFilePath) throw new NotFoundError('错误行文件');
      const base = path.basename(job.fileName, path.extname(job.fileName)) || 'import';
      return { path: job.errorFilePath, downloadName: `${base}-错误行.csv` };
    },

    async listMappings(actor: Actor, kind?: TImportKind) {
      assertCan(actor, 'imports.run');
      const q = db.select().from(importMappings).orderBy(desc(importMappings.updatedAt));
      return kind ? q.where(eq(importMappings.kind, kind)) : q;
    },

    /** Saves (or replaces) a named mapping of a kind, reusable by later files with the same columns. */
    async saveMapping(actor: Actor, input: TImportMappingSave) {
      assertCan(actor, 'imports.run');
      return upsertMapping(actor, input);
    },
  };
  return service;
}

/** The upload's text fields, and the store the import goes to. */
function checkFields(actor: Actor, fields: Record<string, unknown>): { kind: TImportKind; storeId: string } {
  const parsed = ZImportUploadFields.safeParse(fields);
  if (!parsed.success) {
    throw new ValidationError('输入有误，请检查标红的字段 / Some fields are invalid', parsed.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message })));
  }
  return { kind: parsed.data.kind, storeId: targetStore(actor, parsed.data.storeId) };
}

const XLS_MESSAGE = '不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV / Old .xls files are not supported; save as .xlsx or CSV in Excel';

function countsOf(o: ImportOutcome) {
  return {
    totalRows: o.totalRows,
    createdCount: o.createdCount,
    updatedCount: o.updatedCount,
    unchangedCount: o.unchangedCount,
    rejectedCount: o.rejectedCount,
    customersCreated: o.customersCreated,
    vehiclesCreated: o.vehiclesCreated,
  };
}

function previewOf(o: ImportOutcome): TImportPreview {
  return { ...countsOf(o), sampleRejections: o.sampleRejections };
}

export type TImportsService = ReturnType<typeof createImportsService>;
