import { sql, type Name, type SQL } from 'drizzle-orm';
import { IMPORT_FIELDS, type TImportFieldDef, type TImportKind } from '../../../contracts/imports.js';
import type { ValidationResult } from '../../../contracts/validators.js';
import type { TTx } from '../../db/index.js';
import { isUniqueViolation } from '../vehicles/service.js';
import { cellValue, type Cell, type Parsed } from './parse.js';

/**
 * What every import kind provides to the pipeline: its staging columns, the JS validation of one row, and the SQL
 * that resolves staged rows against the database (shared by the dry run and the real run, so the preview counts are
 * the run's counts) and then writes them.
 *
 * Conventions of the SQL: staging table `st` has `row_no` plus `columns`; the resolve step creates table `rs` with
 * one row per staged row: `row_no`, `reject` (null or the reason), `action` (`create` | `update` | `unchanged`, null
 * when rejected) and whatever the write step needs. An empty cell never erases stored data: final values are
 * `coalesce(new, stored)`.
 */

export type StageValue = string | number | null;

export interface Tables {
  /** Staging table (COPY target). */
  st: Name;
  /** Resolved rows. */
  rs: Name;
  /** Vehicles the import would create (one row per VIN), for kinds that create them. */
  nv: Name;
}

export interface MergeContext {
  storeId: string;
  timezone: string;
  /** The store's local date today. */
  today: string;
  now: Date;
  /** Timing lines for the benchmark (the write statements of a kind, one line each). */
  log?: (line: string) => void;
}

/** Runs one write statement of a kind, logging its duration when the pipeline has a logger. */
export async function timedWrite<T>(c: MergeContext, name: string, fn: () => Promise<T>): Promise<T> {
  if (!c.log) return fn();
  const t = performance.now();
  const r = await fn();
  c.log(`run write ${name}: ${Math.round(performance.now() - t)} ms`);
  return r;
}

export interface WriteCounts {
  created: number;
  updated: number;
  customersCreated: number;
  vehiclesCreated: number;
}

export interface Lookups {
  today: string;
  /** A model of the catalogue by the name a DMS writes (`L7 智享版`, `领航 L7 智享版`). */
  model(name: string): Parsed<string>;
  /** A staff member of the store by display name or username; null when unknown or ambiguous. */
  staffId(name: string): string | null;
}

export interface KindSpec {
  kind: TImportKind;
  /** Staging columns after `row_no`, in COPY order, with their SQL types. */
  columns: readonly (readonly [name: string, type: string])[];
  /** Validates and normalises one row; null when rejected (the reasons are in `row.reasons`). */
  normalise(row: RowReader, lk: Lookups): StageValue[] | null;
  /** `CREATE UNLOGGED TABLE rs AS …`, then (kinds that create vehicles) `CREATE UNLOGGED TABLE nv AS …`. */
  resolve(t: Tables, c: MergeContext): { rs: SQL; nv?: SQL };
  /** One row `{customers, vehicles}`: owners and cars the run would create. */
  related(t: Tables, c: MergeContext): SQL;
  /** Writes the target tables (inside the run's transaction). */
  write(tx: TTx, t: Tables, c: MergeContext): Promise<WriteCounts>;
}

/** `中文 / English` → `字段：中文 / Field: English`, so a reason says which column is wrong. */
export function fieldReason(def: Pick<TImportFieldDef, 'zh' | 'en'>, reason: string): string {
  const [zh, en] = reason.split(' / ');
  return en === undefined ? `${def.zh}：${reason}` : `${def.zh}：${zh} / ${def.en}: ${en}`;
}

/**
 * One reusable reader over the current row (one per import, not per row: a million rows make no garbage here).
 * Parsing helpers return null for an empty cell or a bad value; a bad value also records its reason.
 */
export class RowReader {
  readonly reasons: string[] = [];
  private cells: readonly Cell[] = [];
  private readonly defs: Map<string, TImportFieldDef>;

  constructor(
    kind: TImportKind,
    private readonly idx: Readonly<Record<string, number>>,
  ) {
    this.defs = new Map(IMPORT_FIELDS[kind].map((d) => [d.field, d]));
  }

  reset(cells: readonly Cell[]): void {
    this.cells = cells;
    this.reasons.length = 0;
  }

  /** The cell mapped to `field` (undefined when the field is not mapped). */
  raw(field: string): Cell {
    const i = this.idx[field];
    return i === undefined ? undefined : this.cells[i];
  }

  /** Trimmed text, or null when empty or not mapped. */
  text(field: string): string | null {
    const i = this.idx[field];
    return i === undefined ? null : cellValue(this.cells[i]);
  }

  fail(field: string, reason: string): null {
    const def = this.defs.get(field);
    this.reasons.push(def ? fieldReason(def, reason) : reason);
    return null;
  }

  /** Parses a non-empty cell; null when empty (or invalid, with the reason recorded). */
  opt<T>(field: string, parse: (c: Cell) => Parsed<T> | ValidationResult<T>): T | null {
    return this.read(field, parse, false);
  }

  /** Like `opt`, but an empty cell is a reason too. */
  req<T>(field: string, parse: (c: Cell) => Parsed<T> | ValidationResult<T>): T | null {
    return this.read(field, parse, true);
  }

  private read<T>(field: string, parse: (c: Cell) => Parsed<T> | ValidationResult<T>, required: boolean): T | null {
    const raw = this.raw(field);
    const text = cellValue(raw);
    if (text === null) return required ? this.fail(field, '必填 / required') : null;
    // Text cells are parsed trimmed; numbers and dates (xlsx) as they are.
    const r = parse(typeof raw === 'string' ? text : raw);
    return r.ok ? r.value : this.fail(field, r.reason);
  }
}

// ---------------------------------------------------------------------------
// SQL helpers
// ---------------------------------------------------------------------------

/**
 * A UUIDv7 computed in SQL for set-based inserts (PostgreSQL 15 has no uuidv7()): the 48-bit millisecond time of the
 * statement, version 7, then a per-row counter (monotonic in insertion order, so the primary-key btree is appended
 * to rather than split at random) and 44 random bits.
 */
export function uuidv7Sql(counter: string, ms = Date.now()): SQL {
  return sql.raw(
    `(lpad(to_hex(${Math.floor(ms)}::bigint), 12, '0') || '7' || lpad(to_hex(((${counter})::bigint >> 18) & 4095), 3, '0')` +
      ` || to_hex(524288 | ((${counter})::bigint & 262143)) || lpad(to_hex(floor(random() * 17592186044416)::bigint), 11, '0'))::uuid`,
  );
}

/**
 * `(t.a, t.b) IS DISTINCT FROM (excluded.a, excluded.b)`: a real change, so re-importing the same file updates
 * nothing. With `stored` = null it compares `o_a` (the stored value carried by the resolve query) with `a`.
 */
export function changedSql(cols: readonly string[], stored: string | null, incoming: string | null): SQL {
  const s = cols.map((c) => (stored ? `${stored}.${c}` : `o_${c}`));
  const i = cols.map((c) => (incoming ? `${incoming}.${c}` : c));
  return sql.raw(`(${s.join(', ')}) IS DISTINCT FROM (${i.join(', ')})`);
}

/** `SET a = excluded.a, …` for an upsert. */
export function setExcludedSql(cols: readonly string[]): SQL {
  return sql.raw(cols.map((c) => `${c} = excluded.${c}`).join(', '));
}

/** `action` of a resolved row from its reject reason, whether the record exists, and whether it would change. */
export const ACTION_SQL = sql.raw(`CASE WHEN reject IS NOT NULL THEN NULL WHEN target_id IS NULL THEN 'create' WHEN changed THEN 'update' ELSE 'unchanged' END`);

/** The reason given to an earlier row whose natural key appears again later in the file. */
export function duplicateReason(zh: string, en: string, keyCol: string, nextCol: string): SQL {
  return sql`format(${`${zh}「%s」在第 %s 行再次出现，以后面的行为准 / ${en} "%s" appears again on row %s; the later row is used`}, ${sql.raw(keyCol)}, ${sql.raw(nextCol)}, ${sql.raw(keyCol)}, ${sql.raw(nextCol)})`;
}

/** `count(*)` of rows a data-modifying statement reported, as a number. */
export async function countOf(tx: TTx, q: SQL): Promise<number> {
  const r = await tx.execute(q);
  return r.rowCount ?? 0;
}

/** Runs a `… SELECT count(*) FILTER (WHERE inserted) AS created, … FROM m` upsert and checks nothing went missing. */
export async function upsertCounts(tx: TTx, q: SQL, what: string): Promise<{ created: number; updated: number }> {
  const r = await tx.execute<{ unresolved: number; created: number; updated: number }>(q);
  const row = r.rows[0]!;
  // Every valid row must have been resolved to an owner/vehicle by now; a gap is a bug, and it must fail the import
  // rather than drop rows silently.
  if (Number(row.unresolved) > 0) throw new Error(`${what}: ${row.unresolved} staged rows could not be resolved`);
  return { created: Number(row.created), updated: Number(row.updated) };
}

/**
 * Writes the rows resolved as new with a plain INSERT and then upserts the changed ones. A plain INSERT skips the
 * speculative insertion of `ON CONFLICT` (a million new repair orders: ~13 % of the write). Should a key the resolve
 * step found free have been taken since (another import or a console entry committed in between), the INSERT fails
 * on the natural key's unique index (`naturalKey`), its savepoint is rolled back and `upsertAll` writes every changed row instead: the outcome is
 * the upsert's in every case, only slower in that rare one.
 */
export async function insertNewThenUpsert(
  tx: TTx,
  q: { insertNew: SQL; upsertChanged: SQL; upsertAll: SQL; what: string; naturalKey: string },
): Promise<{ created: number; updated: number }> {
  let created: { created: number; updated: number };
  try {
    created = await tx.transaction((sp) => upsertCounts(sp, q.insertNew, q.what));
  } catch (err) {
    if (!isUniqueViolation(err, q.naturalKey)) throw err;
    return upsertCounts(tx, q.upsertAll, q.what);
  }
  const changed = await upsertCounts(tx, q.upsertChanged, q.what);
  return { created: created.created + changed.created, updated: created.updated + changed.updated };
}

/** Owners a new vehicle needs: distinct mobiles not yet in the customers table, named from the row. */
export function createOwnersSql(source: SQL, c: MergeContext): SQL {
  return sql`
    INSERT INTO customers (id, store_id, name, mobile, created_at, updated_at)
    SELECT ${uuidv7Sql('row_number() OVER ()')}, ${c.storeId}::uuid, n.name, n.mobile, ${c.now}::timestamptz, ${c.now}::timestamptz
    FROM (
      SELECT DISTINCT ON (o.mobile) o.mobile, coalesce(o.name, '车主' || right(o.mobile, 4)) AS name
      FROM (${source}) o
      ORDER BY o.mobile, o.rank_at DESC NULLS LAST, o.row_no DESC
    ) n
    ON CONFLICT (mobile) WHERE mobile IS NOT NULL AND status = 'active' DO NOTHING`;
}

export const KIND_LABELS: Record<TImportKind, string> = {
  customers: '客户',
  vehicles: '车辆',
  sales_orders: '订单',
  repair_orders: '工单',
};
