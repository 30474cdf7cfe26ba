import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

/** Applies the committed forward-only migrations; safe to call at every start (applied ones are skipped). */
export async function runMigrations(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    // Several app nodes may start at once: a session advisory lock (on this one connection) makes the others wait.
    await client.query('select pg_advisory_lock(81521)');
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR, migrationsSchema: 'drizzle' });
  } finally {
    await client.query('select pg_advisory_unlock(81521)').catch(() => {});
    client.release();
  }
}
