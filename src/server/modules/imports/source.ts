import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { cellText, type Cell } from './parse.js';

/**
 * Streaming readers for uploaded files. Rows come out in batches (fewer awaits per row) and nothing holds more than
 * a batch: a 1M-row file is read with flat memory. Row numbers are the ones a user sees when opening the file in
 * Excel (the first line is row 1).
 */
export type TFileFormat = 'csv' | 'xlsx';

export interface SourceRow {
  rowNo: number;
  cells: Cell[];
}

const BATCH = 1000;
const SNIFF_BYTES = 64 * 1024;

/** xlsx files are zip archives; the old binary .xls (an OLE container) is not supported. */
export function sniffFormat(head: Buffer): TFileFormat | 'xls' {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (head.length >= 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return 'xls';
  return 'csv';
}

type TEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

/**
 * Encoding and delimiter of a CSV file, from its first 64 KB. Chinese Excel saves "CSV" in GB18030 (GBK) unless the
 * user picks "CSV UTF-8", and "Unicode text" is UTF-16 with tabs, so all three are recognised.
 */
export async function sniffCsv(path: string): Promise<{ encoding: TEncoding; delimiter: string }> {
  const fh = await fs.promises.open(path, 'r');
  let buf: Buffer;
  try {
    const b = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(b, 0, SNIFF_BYTES, 0);
    buf = b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  let encoding: TEncoding;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) encoding = 'utf-8';
  else if (buf[0] === 0xff && buf[1] === 0xfe) encoding = 'utf-16le';
  else if (buf[0] === 0xfe && buf[1] === 0xff) encoding = 'utf-16be';
  else {
    try {
      // stream: true tolerates a multi-byte character cut by the 64 KB boundary.
      new TextDecoder('utf-8', { fatal: true }).decode(buf, { stream: true });
      encoding = 'utf-8';
    } catch {
      encoding = 'gb18030';
    }
  }
  const text = new TextDecoder(encoding).decode(buf, { stream: true });
  const lines = text.split('\n').slice(0, 10);
  let delimiter = ',';
  let best = 0;
  for (const d of [',', '\t', ';', '|']) {
    const n = lines.reduce((acc, l) => acc + l.split(d).length - 1, 0);
    if (n > best) {
      best = n;
      delimiter = d;
    }
  }
  return { encoding, delimiter };
}

function decoder(encoding: TEncoding): Transform {
  const td = new TextDecoder(encoding);
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, cb) {
      cb(null, td.decode(chunk, { stream: true }));
    },
    flush(cb) {
      cb(null, td.decode());
    },
  });
}

async function* csvRows(path: string): AsyncGenerator<SourceRow[]> {
  const { encoding, delimiter } = await sniffCsv(path);
  const input = fs.createReadStream(path, { highWaterMark: 256 * 1024 });
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: 1024 * 1024,
  });
  const fail = (err: Error) => parser.destroy(err);
  input.on('error', fail);
  if (encoding === 'utf-8') input.pipe(parser);
  else {
    const dec = decoder(encoding);
    dec.on('error', fail);
    input.pipe(dec).pipe(parser);
  }
  try {
    let rowNo = 0;
    let batch: SourceRow[] = [];
    for await (const rec of parser as AsyncIterable<string[]>) {
      batch.push({ rowNo: ++rowNo, cells: rec });
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  } finally {
    input.destroy();
    parser.destroy();
  }
}

type XlsxValue = Cell | { richText?: { text: string }[]; text?: unknown; result?: unknown; formula?: string; sharedFormula?: string; error?: string };

function xlsxCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  const o = v as Exclude<XlsxValue, Cell>;
  if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
  if ('error' in o) return null;
  if ('result' in o || 'formula' in o || 'sharedFormula' in o) return xlsxCell(o.result);
  if ('text' in o) return xlsxCell(o.text);
  return null;
}

async function* xlsxRows(path: string): AsyncGenerator<SourceRow[]> {
  const input = fs.createReadStream(path);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
  try {
    for await (const ws of reader) {
      let batch: SourceRow[] = [];
      for await (const row of ws) {
        const values = row.values as unknown[];
        const cells: Cell[] = [];
        for (let i = 1; i < values.length; i++) cells.push(xlsxCell(values[i]));
        batch.push({ rowNo: row.number, cells });
        if (batch.length >= BATCH / 2) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
      break; // the first worksheet is the data; others (notes, pivots) are ignored
    }
  } finally {
    input.destroy();
  }
}

export const isBlankRow = (cells: readonly Cell[]) => cells.every((c) => c === null || c === undefined || (typeof c === 'string' && c.trim() === ''));

/** Column names as the mapping uses them: trimmed, blanks named `列N`, repeats suffixed ` (2)`, ` (3)`. */
export function uniqueHeaders(cells: readonly Cell[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((c, i) => {
    const base = cellText(c).replace(/\s+/g, ' ').trim() || `列${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

export interface Table {
  headers: string[];
  /** The row the headers were read from. */
  headerRowNo: number;
  /** Data rows after the header row, in batches; blank rows included (the caller skips them). */
  rows: AsyncGenerator<SourceRow[]>;
}

/**
 * Opens a file as a table. The header row is the first row with at least two filled cells among the first 20 (some
 * DMS exports put a title line such as `维修工单导出 2024-05` above the headers).
 */
export async function openTable(path: string, format: TFileFormat): Promise<Table> {
  const raw = format === 'xlsx' ? xlsxRows(path) : csvRows(path);
  const filled = (r: SourceRow) => r.cells.filter((c) => cellText(c).trim() !== '').length;
  const seen: SourceRow[] = [];
  let header = -1;
  let exhausted = false;
  while (header < 0 && !exhausted && (seen.length === 0 || seen.at(-1)!.rowNo < 20)) {
    const next = await raw.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    const from = seen.length;
    seen.push(...next.value);
    for (let i = from; i < seen.length && seen[i]!.rowNo <= 20; i++) {
      if (filled(seen[i]!) >= 2) {
        header = i;
        break;
      }
    }
  }
  if (header < 0) header = seen.findIndex((r) => filled(r) > 0);
  if (header < 0) {
    await raw.return(undefined);
    return { headers: [], headerRowNo: 0, rows: (async function* () {})() };
  }
  const h = seen[header]!;
  const cells = [...h.cells];
  while (cells.length && cellText(cells.at(-1)).trim() === '') cells.pop(); // a trailing delimiter is not a column
  const rest = seen.slice(header + 1);
  async function* rows(): AsyncGenerator<SourceRow[]> {
    try {
      if (rest.length) yield rest;
      for (;;) {
        const next = await raw.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await raw.return(undefined);
    }
  }
  return { headers: uniqueHeaders(cells), headerRowNo: h.rowNo, rows: rows() };
}

/** Headers and the first `n` non-blank data rows as text (the upload answer). */
export async function readHeadAndSample(path: string, format: TFileFormat, n = 5): Promise<{ headers: string[]; sampleRows: string[][]; headerRowNo: number }> {
  const t = await openTable(path, format);
  const sampleRows: string[][] = [];
  try {
    outer: for await (const batch of t.rows) {
      for (const r of batch) {
        if (isBlankRow(r.cells)) continue;
        sampleRows.push(t.headers.map((_, i) => cellText(r.cells[i])));
        if (sampleRows.length >= n) break outer;
      }
    }
  } finally {
    await t.rows.return(undefined);
  }
  return { headers: t.headers, sampleRows, headerRowNo: t.headerRowNo };
}
