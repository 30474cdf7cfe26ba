import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { pk, timestamps } from '../../db/columns.js';
import { staff, stores } from '../org/schema.js';

export const importKind = pgEnum('import_kind', ['customers', 'vehicles', 'sales_orders', 'repair_orders']);
export const importStatus = pgEnum('import_status', ['uploaded', 'previewed', 'queued', 'running', 'completed', 'failed']);
/** The step a running import is on: reading and checking the file, matching it against the records, writing. */
export const importPhase = pgEnum('import_phase', ['read', 'match', 'write']);

/** Target field → source column header. */
export type TImportMapping = Record<string, string>;

export const importJobs = pgTable(
  'import_jobs',
  {
    id: pk(),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    kind: importKind('kind').notNull(),
    fileName: text('file_name').notNull(),
    filePath: text('file_path').notNull(),
    fileBytes: integer('file_bytes').notNull().default(0),
    format: text('format').notNull(),
    headers: jsonb('headers').$type<string[]>().notNull().default([]),
    mapping: jsonb('mapping').$type<TImportMapping>().notNull().default({}),
    status: importStatus('status').notNull().default('uploaded'),
    totalRows: integer('total_rows').notNull().default(0),
    processedRows: integer('processed_rows').notNull().default(0),
    /** While running; null otherwise. */
    phase: importPhase('phase'),
    createdCount: integer('created_count').notNull().default(0),
    updatedCount: integer('updated_count').notNull().default(0),
    unchangedCount: integer('unchanged_count').notNull().default(0),
    rejectedCount: integer('rejected_count').notNull().default(0),
    preview: jsonb('preview').$type<Record<string, unknown>>(),
    errorFilePath: text('error_file_path'),
    error: text('error'),
    idempotencyKey: text('idempotency_key'),
    createdBy: uuid('created_by').references(() => staff.id),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index('import_jobs_store_idx').on(t.storeId, t.createdAt.desc()),
    index('import_jobs_created_by_idx').on(t.createdBy),
    uniqueIndex('import_jobs_idem_uq').on(t.createdBy, t.idempotencyKey),
  ],
);

export const importMappings = pgTable(
  'import_mappings',
  {
    id: pk(),
    kind: importKind('kind').notNull(),
    name: text('name').notNull(),
    mapping: jsonb('mapping').$type<TImportMapping>().notNull(),
    createdBy: uuid('created_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [uniqueIndex('import_mappings_uq').on(t.kind, t.name), index('import_mappings_created_by_idx').on(t.createdBy)],
);
