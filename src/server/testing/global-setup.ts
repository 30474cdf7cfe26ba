import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connect } from '../db/index.js';
import { runMigrations } from '../db/migrate.js';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
    templateDb: string;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Integration tests run against a real PostgreSQL: the server named by DATABASE_URL when set (CI also runs
 * PostgreSQL 15 this way), else an embedded PostgreSQL started for this run in a temporary directory. The schema is
 * migrated once into a template database; every test file gets its own copy of it (CREATE DATABASE … TEMPLATE).
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedHandle | undefined;
  let dir: string | undefined;
  let serverUrl: string;
  if (process.env.DATABASE_URL) {
    serverUrl = process.env.DATABASE_URL;
  } else {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baoke-test-pg-'));
    fs.chmodSync(dir, 0o755);
    embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: await freePort(), database: 'postgres' });
    serverUrl = embedded.url;
  }
  const templateDb = `baoke_tmpl_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${templateDb}`);
  const u = new URL(serverUrl);
  u.pathname = `/${templateDb}`;
  const database = connect(u.toString(), { max: 2 });
  await runMigrations(database.pool);
  await database.close();
  project.provide('pgServerUrl', serverUrl);
  project.provide('templateDb', templateDb);
  // Test databases are named after this run's template, so the clean-up below never drops another run's (two
  // checkouts may share one DATABASE_URL server).
  const runPrefix = `baoke_test_${templateDb.slice('baoke_tmpl_'.length)}_`;

  return async () => {
    const left = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'baoke_t%'`);
    for (const { datname } of left.rows) {
      if (datname === templateDb || datname.startsWith(runPrefix)) await admin.query(`drop database if exists ${datname} with (force)`).catch(() => {});
    }
    await admin.end();
    await embedded?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
}
