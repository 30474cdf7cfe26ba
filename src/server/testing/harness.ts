import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createServices, type AppContext } from '../context.js';
import { connect } from '../db/index.js';
import { fixedClock } from '../platform/clock.js';
import type { Jobs } from '../platform/jobs.js';

export interface TestEnv {
  ctx: AppContext;
  app: FastifyInstance;
  clock: ReturnType<typeof fixedClock>;
  close(): Promise<void>;
}

/** A fresh migrated database (a copy of the template) and an app wired to it, for one test file. */
export async function createTestEnv(opts: { now?: string; jobs?: (url: string) => Promise<Jobs> } = {}): Promise<TestEnv> {
  const serverUrl = inject('pgServerUrl');
  const templateDb = inject('templateDb');
  const name = `baoke_test_${templateDb.slice('baoke_tmpl_'.length)}_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${templateDb}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const database = connect(u.toString(), { max: 10 });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baoke-test-data-'));
  const config = loadConfig({ BAOKE_DATA_DIR: dataDir, BAOKE_LOG_LEVEL: 'silent' });
  const clock = fixedClock(opts.now ?? '2026-11-23T02:00:00Z');
  const jobs = opts.jobs ? await opts.jobs(u.toString()) : null;
  const services = createServices({ db: database.db, clock, jobs, config });
  const ctx: AppContext = { config, database, db: database.db, clock, jobs, services };
  const app = await buildApp(ctx);
  await app.ready();
  return {
    ctx,
    app,
    clock,
    async close() {
      await app.close();
      await jobs?.stop();
      await database.close();
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the API, as the console does; returns headers to send with later requests. */
export async function login(app: FastifyInstance, username: string, password = 'baoke-demo') {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const cookies = res.cookies as { name: string; value: string }[];
  const session = cookies.find((c) => c.name === 'baoke_session')!.value;
  const csrf = cookies.find((c) => c.name === 'baoke_csrf')!.value;
  return { cookie: `baoke_session=${session}; baoke_csrf=${csrf}`, 'x-csrf-token': csrf };
}
