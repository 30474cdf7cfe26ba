import path from 'node:path';
import type { TConfig } from './config.js';
import { connect, type Database } from './db/index.js';
import { startEmbeddedPostgres, type EmbeddedHandle } from './db/embedded.js';
import { runMigrations } from './db/migrate.js';

/** Opens the database: DATABASE_URL when set, else the embedded PostgreSQL under BAOKE_DATA_DIR (started here). */
export async function openDatabase(config: TConfig, log: (m: string) => void): Promise<{ database: Database; embedded?: EmbeddedHandle }> {
  let url = config.DATABASE_URL;
  let embedded: EmbeddedHandle | undefined;
  if (!url) {
    log(`starting the embedded PostgreSQL (data in ${path.join(config.dataDir, 'pg')}, port ${config.BAOKE_EMBEDDED_PG_PORT}) …`);
    embedded = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'pg'), port: config.BAOKE_EMBEDDED_PG_PORT, database: 'baoke' });
    url = embedded.url;
  }
  const database = connect(url);
  await runMigrations(database.pool);
  return { database, embedded };
}
