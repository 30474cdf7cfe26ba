import { stringify } from 'csv-stringify';
import { once } from 'node:events';
import fs from 'node:fs';
import readline from 'node:readline';
import { finished } from 'node:stream/promises';
import { cellText } from './parse.js';
import type { SourceRow, Table } from './source.js';

/**
 * Rejected rows. Validation rejects are appended to a JSON-lines file while the file streams (row, reason, cells);
 * merge-time rejects (duplicates, unknown vehicles) come from the database afterwards. The error CSV interleaves both
 * in row order, so the user can fix the rows and import the error file itself again.
 */
export interface TRejection {
  row: number;
  reason: string;
}

export const SAMPLE_REJECTIONS = 20;

export class RejectLog {
  count = 0;
  readonly samples: TRejection[] = [];
  private readonly out: fs.WriteStream | null;

  /** `file` null: count and sample only. */
  constructor(
    readonly file: string | null,
    written = false,
  ) {
    this.out = file && !written ? fs.createWriteStream(file) : null;
  }

  /** A log written earlier (by the dry run whose staged rows a run takes over), read-only. */
  static restore(file: string, count: number, samples: TRejection[]): RejectLog {
    const log = new RejectLog(file, true);
    log.count = count;
    log.samples.push(...samples);
    return log;
  }

  async add(row: number, reason: string, cells: string[]): Promise<void> {
    if (this.file && !this.out) throw new Error('this reject log is read-only');
    this.count++;
    if (this.samples.length < SAMPLE_REJECTIONS) this.samples.push({ row, reason });
    if (this.out && !this.out.write(`${JSON.stringify([row, reason, cells])}\n`)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    if (!this.out) return;
    this.out.end();
    await finished(this.out);
  }
}

/** A JSON-lines log of rejections, `[row, reason, cells]` (cells absent for merge-time rejections). */
async function* readLog(file: string): AsyncGenerator<{ row: number; reason: string; cells: string[] }> {
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    const [row, reason, cells = []] = JSON.parse(line) as [number, string, string[]?];
    yield { row, reason, cells };
  }
}

async function* flatten<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const b of batches) yield* b;
}

/**
 * Writes the error CSV: UTF-8 with a BOM (so Excel shows Chinese correctly), columns 行号, 原因, then the file's own
 * columns. The merge-time rejections are matched to their original cells by reading the source once more, only
 * when there are any.
 */
export async function writeErrorCsv(opts: {
  out: string;
  headers: string[];
  validationLog: string | null;
  /** Merge-time rejections, `[row, reason]` per line in row order. */
  mergeLog: string | null;
  openSource: () => Promise<Table>;
}): Promise<void> {
  const file = fs.createWriteStream(opts.out);
  const csv = stringify({ bom: true });
  csv.pipe(file);
  const write = async (rec: (string | number)[]) => {
    if (!csv.write(rec)) await once(csv, 'drain');
  };
  await write(['行号 Row', '原因 Reason', ...opts.headers]);

  const validation = opts.validationLog ? readLog(opts.validationLog) : null;
  const merge = opts.mergeLog ? readLog(opts.mergeLog) : null;
  let table: Table | null = null;
  let source: AsyncGenerator<SourceRow> | null = null;
  try {
    let v = validation ? await validation.next() : null;
    let m = merge ? await merge.next() : null;
    while ((v && !v.done) || (m && !m.done)) {
      if (v && !v.done && (!m || m.done || v.value.row < m.value.row)) {
        await write([v.value.row, v.value.reason, ...v.value.cells]);
        v = await validation!.next();
        continue;
      }
      const rej = m!.value as TRejection;
      if (!source) {
        table = await opts.openSource();
        source = flatten(table.rows);
      }
      let r = await source.next();
      while (!r.done && r.value.rowNo < rej.row) r = await source.next();
      const cells = r.done ? [] : opts.headers.map((_, i) => cellText(r.value.cells[i]));
      await write([rej.row, rej.reason, ...cells]);
      m = await merge!.next();
    }
  } finally {
    await source?.return(undefined);
    await table?.rows.return(undefined);
  }
  csv.end();
  await finished(file);
}
