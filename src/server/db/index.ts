import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema.js';

export type TDb = NodePgDatabase<typeof schema>;
/** A transaction handle; every service function that writes inside a transaction takes one of these. */
export type TTx = Parameters<Parameters<TDb['transaction']>[0]>[0];
export type TDbOrTx = TDb | TTx;

// date columns come back as 'YYYY-MM-DD' strings (a birthday is not an instant); bigint (int8) as numbers — all our
// money in fen stays far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface Database {
  db: TDb;
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

export function connect(url: string, opts: { max?: number; applicationName?: string } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 20,
    application_name: opts.applicationName ?? 'baoke',
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it */
  });
  const db = drizzle(pool, { schema, casing: 'snake_case' });
  return { db, pool, url, close: () => pool.end() };
}
