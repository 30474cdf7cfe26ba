#!/usr/bin/env node
import { Command } from 'commander';
import { count, sql } from 'drizzle-orm';
import { buildApp } from './app.js';
import { loadConfig, type TConfig } from './config.js';
import { createServices, type AppContext } from './context.js';
import { openDatabase } from './runtime.js';
import { ensureAdmin } from './modules/org/service.js';
import { stores } from './modules/org/schema.js';
import { systemClock } from './platform/clock.js';
import { startJobs, type Jobs } from './platform/jobs.js';
import { allJobs } from './jobs.js';
import { seedDemoVoice } from './seed/voice.js';
import { seedDemo, seedDemoService } from './seed/demo.js';
import { DEMO_PASSWORD } from './seed/org.js';

const log = (m: string) => console.log(`[baoke] ${m}`);

async function boot(config: TConfig, mode: { web: boolean; worker: boolean; demo: boolean }) {
  const { database, embedded } = await openDatabase(config, log);
  const jobs: Jobs = await startJobs(database.url, { schedule: mode.worker, supervise: mode.worker });
  const services = createServices({ db: database.db, clock: systemClock, jobs, config, demo: mode.demo });
  const ctx: AppContext = { config, database, db: database.db, clock: systemClock, jobs, services };

  if (mode.demo) {
    const [row] = await database.db.select({ n: count() }).from(stores);
    if (!row?.n) {
      log(`first run: generating the demo dealer group (${config.BAOKE_DEMO_SIZE} owners) …`);
      const t = Date.now();
      await seedDemo(database.db, { size: config.BAOKE_DEMO_SIZE, seed: 2026, log });
      await seedDemoService(database.db, { seed: 2026, log });
      await seedDemoVoice(database.db, services, { asOf: new Date(), log });
      log(`demo data ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    // The demo's insights (lifecycle, value, trade-in), its customer-list fact filters and its segment counts read the
    // derived facts, which the daily run would only compute at 05:00: compute them once now if no full run exists.
    const runs = await database.db.execute(sql`select 1 from segment_fact_runs where kind = 'full' and finished_at is not null and error is null limit 1`);
    if (runs.rows.length === 0) {
      const r = await services.segments.refreshAll();
      log(`customer insights computed: ${r.customers.toLocaleString('en-US')} customers, ${r.vehicles.toLocaleString('en-US')} vehicles in ${(r.ms / 1000).toFixed(1)} s`);
    }
  } else if (config.BAOKE_ADMIN_PASSWORD) {
    if (await ensureAdmin(database.db, config.BAOKE_ADMIN_PASSWORD)) log('created the first group admin: username "admin"');
  }

  // The default journey rules of DOMAIN.md, once per group (idempotent: edited rules are left as they are).
  const added = await services.journeys.ensureDefaultRules();
  if (added) log(`journeys: ${added} default rules added`);
  if (mode.demo) {
    // The demo opens on a store that has had its morning run: today's journey firings, with their tasks in every
    // advisor's and consultant's list and their messages in the outbox (as the 06:00 job leaves them).
    const ran = await database.db.execute(sql`select 1 from journey_runs where status = 'succeeded' limit 1`);
    if (ran.rows.length === 0) {
      const t = Date.now();
      const r = await services.journeys.run({ kind: 'daily' });
      const fired = r.report.reduce((n, x) => n + x.fired, 0);
      log(`journeys: today's run fired ${fired.toLocaleString('en-US')} times over ${r.report.length} rules in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  }

  if (mode.worker) await jobs.work(allJobs(ctx), { timezone: config.BAOKE_TIMEZONE });
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  if (mode.web) {
    app = await buildApp(ctx, { logger: { level: config.BAOKE_LOG_LEVEL } });
    await app.listen({ port: config.PORT, host: config.HOST });
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping …');
    await app?.close();
    await jobs.stop();
    await database.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  return { port: config.PORT };
}

const program = new Command('baoke').description('Baoke 保客 — customer lifecycle and loyalty for car dealerships');

program
  .command('start')
  .description('demo mode: embedded PostgreSQL (unless DATABASE_URL), demo data on first run, web server and worker')
  .action(async () => {
    const config = loadConfig();
    const { port } = await boot(config, { web: true, worker: true, demo: true });
    const url = `http://localhost:${port}`;
    console.log(`
  Baoke 保客 is running: ${url}
  API docs:  ${url}/api/docs
  Owner portal 车主端: ${url}/portal  (demo owner 170 1234 5678; in demo mode the sign-in code is printed in this log)

  Demo logins (password: ${DEMO_PASSWORD})
    admin                                   集团管理员 group admin
    manager1  sales1  service1  cx1  marketing1   华辰领航北京亦庄店 (store 1)
    manager2  sales2  service2  cx2  marketing2   华辰领航天津河西店 (store 2)
    manager3  sales3  service3  cx3  marketing3   华辰极光北京望京店 (store 3)
`);
  });

program
  .command('serve')
  .description('production web server (needs DATABASE_URL; no demo data)')
  .option('--with-worker', 'also run the job worker in this process')
  .action(async (o: { withWorker?: boolean }) => {
    const config = requireProduction();
    await boot(config, { web: true, worker: Boolean(o.withWorker), demo: false });
    log(`listening on port ${config.PORT}`);
  });

program
  .command('worker')
  .description('production job worker (needs DATABASE_URL)')
  .action(async () => {
    const config = requireProduction();
    await boot(config, { web: false, worker: true, demo: false });
    log('worker running');
  });

program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(async () => {
    const config = loadConfig();
    const { database, embedded } = await openDatabase(config, log);
    await database.close();
    await embedded?.stop();
    log('migrations applied');
  });

program
  .command('seed')
  .description('generate demo data into the database (deterministic)')
  .option('--size <n>', 'number of owners', (v) => Number(v), 5000)
  .option('--seed <n>', 'random seed', (v) => Number(v), 2026)
  .action(async (o: { size: number; seed: number }) => {
    const config = loadConfig();
    const { database, embedded } = await openDatabase(config, log);
    await seedDemo(database.db, { size: o.size, seed: o.seed, log });
    await seedDemoService(database.db, { seed: o.seed, log });
    await seedDemoVoice(database.db, createServices({ db: database.db, clock: systemClock, jobs: null, config }), { asOf: new Date(), log });
    await database.close();
    await embedded?.stop();
  });

const lifecycle = program.command('lifecycle').description('the lifecycle engine (facts and journeys)');
lifecycle
  .command('run')
  .description('refresh the facts and run every enabled journey rule for a day, printing progress and the run report')
  .option('--as-of <date>', 'the business day (YYYY-MM-DD); default today in the group time zone')
  .option('--rule <code>', 'only this rule (by code)')
  .option('--no-facts', 'skip the facts refresh')
  .action(async (o: { asOf?: string; rule?: string; facts: boolean }) => {
    if (o.asOf && !/^\d{4}-\d{2}-\d{2}$/.test(o.asOf)) fail('--as-of must be YYYY-MM-DD');
    const config = loadConfig();
    const { database, embedded } = await openDatabase(config, log);
    const services = createServices({ db: database.db, clock: systemClock, jobs: null, config });
    await services.journeys.ensureDefaultRules();
    let ruleId: string | undefined;
    if (o.rule) {
      const rows = await database.db.execute<{ id: string }>(sql`select id from journey_rules where code = ${o.rule} and deleted_at is null order by store_id nulls first limit 1`);
      ruleId = rows.rows[0]?.id;
      if (!ruleId) fail(`no journey rule with code ${o.rule}`);
    }
    const t0 = Date.now();
    if (o.facts) log('refreshing facts …');
    const run = await services.journeys.run({
      kind: 'manual',
      asOf: o.asOf,
      ruleId,
      refreshFacts: o.facts,
      onProgress: (p) => {
        const r = p.report;
        if (r) log(`[${p.done}/${p.total}] ${r.code.padEnd(28)} fired ${String(r.fired).padStart(7)}  ${r.durationMs} ms${r.error ? `  ERROR ${r.error}` : ''}`);
      },
    });
    console.log(`\nrun ${run.id} · as of ${run.asOf} · ${run.status} · ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.table(run.report.map((r) => ({ rule: r.code, evaluated: r.evaluated, fired: r.fired, suppressed: r.suppressed, actions: Object.entries(r.actions).map(([k, v]) => `${k}=${v}`).join(' '), ms: r.durationMs, error: r.error ?? '' })));
    await database.close();
    await embedded?.stop();
    if (run.status !== 'succeeded') process.exit(1);
  });

function requireProduction(): TConfig {
  const config = loadConfig();
  if (!config.DATABASE_URL) fail('serve/worker need DATABASE_URL=postgres://… (use `npm start` for the embedded demo)');
  if (config.BAOKE_SECRET !== undefined && (config.BAOKE_SECRET.length < 32 || /change|secret|baoke/i.test(config.BAOKE_SECRET))) {
    fail('BAOKE_SECRET is a default or too short: set a random value of at least 32 characters');
  }
  return config;
}

function fail(msg: string): never {
  console.error(`[baoke] ${msg}`);
  process.exit(1);
}

program.parseAsync().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
