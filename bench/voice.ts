/**
 * The `voice` scenario: the public survey-answer endpoint over real HTTP with concurrent clients (target ≥ 1,000
 * answers/s) and the weekly complaint analysis over 100,000 generated complaints (target ≤ 1 s). Runs in its own
 * database `baoke_voice_bench` (dropped and rebuilt each run) on the server given by `--voice-url` (default: the
 * system PostgreSQL at postgres://postgres@127.0.0.1:5432/postgres).
 */
import { sql } from 'drizzle-orm';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { createServices, type AppContext } from '../src/server/context.js';
import { connect } from '../src/server/db/index.js';
import { runMigrations } from '../src/server/db/migrate.js';
import { systemClock } from '../src/server/platform/clock.js';
import { SYSTEM_ACTOR } from '../src/server/platform/rbac.js';
import { seedDemoOrg } from '../src/server/seed/org.js';
import type { Log, Row } from './data.js';

export const VOICE_DB = 'baoke_voice_bench';

export async function runVoiceBench(opts: { serverUrl: string; complaints: number; answers: number; connections: number; log: Log }): Promise<Row[]> {
  const { log } = opts;
  const admin = new pg.Client({ connectionString: opts.serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${VOICE_DB} with (force)`);
  await admin.query(`create database ${VOICE_DB}`);
  await admin.end();
  const u = new URL(opts.serverUrl);
  u.pathname = `/${VOICE_DB}`;
  const database = connect(u.toString(), { max: 16, applicationName: 'baoke-bench-voice' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baoke-voice-bench-'));
  const rows: Row[] = [];
  try {
    await runMigrations(database.pool);
    const db = database.db;
    const org = await seedDemoOrg(db, { extraSalesPerStore: 3 });
    const t0 = performance.now();
    // Owners: 20,000 across the three stores, each with an advisor of their store.
    await db.execute(sql`
      insert into customers (id, store_id, name, mobile, service_advisor_id)
      select gen_random_uuid(), s.id, '压测客户' || g, '+86139' || lpad(g::text, 8, '0'),
        (select id from staff where store_id = s.id and role = 'service' order by id offset (g % 3) limit 1)
      from generate_series(1, 20000) g
      join lateral (select id from stores order by code offset (g % ${org.stores.length}) limit 1) s on true`);
    // Complaints: spread over 12 weeks before now, all closed with their four clocks, ~15 % late.
    await db.execute(sql`
      with c as (
        select g, cu.id as customer_id, cu.store_id, cu.service_advisor_id,
          now() - make_interval(mins => (random() * 12 * 7 * 24 * 60)::int) as at, random() as r
        from generate_series(1, ${opts.complaints}) g
        join (select id, store_id, service_advisor_id, row_number() over (order by id) - 1 as rn from customers) cu on cu.rn = g * 7919 % 20000
      ),
      ins as (
        insert into complaints (id, number, store_id, customer_id, channel, severity, type, title, status, assignee_staff_id, advisor_staff_id, root_cause,
          received_at, acknowledged_at, resolved_at, feedback_at, revisited_at, closed_at, satisfied)
        select gen_random_uuid(), 'B' || g, c.store_id, c.customer_id, 'hotline', case when c.r < 0.2 then 'urgent' else 'normal' end::complaint_severity,
          (array['attitude','technical','fee','waiting','parts','other'])[1 + g % 6]::complaint_type, '压测投诉',
          case when c.r < 0.9 then 'closed' else 'acknowledged' end::complaint_status, c.service_advisor_id, c.service_advisor_id,
          (array['工位不足','报价未含工时费','配件缺货','沟通不及时','质检遗漏'])[1 + g % 5],
          c.at, c.at + interval '40 min' + (c.r > 0.85)::int * interval '1 hour', c.at + interval '5 hours', c.at + interval '20 hours', c.at + interval '3 days',
          case when c.r < 0.9 then c.at + interval '3 days' end, c.r < 0.9
        from c
        returning id, received_at, acknowledged_at, resolved_at, feedback_at, revisited_at, status
      )
      insert into complaint_clocks (complaint_id, stage, budget_minutes, consumed_ms, met_at, breached)
      select i.id, s.stage::sla_stage, s.budget, (extract(epoch from s.met - s.started) * 1000)::bigint, s.met, extract(epoch from s.met - s.started) > s.budget * 60
      from ins i cross join lateral (values
        ('acknowledge', 60, i.received_at, i.acknowledged_at), ('resolve', 1440, i.received_at, i.resolved_at),
        ('feedback', 1440, i.resolved_at, i.feedback_at), ('revisit', 10080, i.feedback_at, i.revisited_at)) s(stage, budget, started, met)`);
    await db.execute(sql`analyze`);
    log(`generated 20,000 owners and ${opts.complaints.toLocaleString('en-US')} complaints (+4 clocks each) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const config = loadConfig({ BAOKE_DATA_DIR: dir, BAOKE_LOG_LEVEL: 'silent', BAOKE_SURVEY_RATE_LIMIT: String(10_000_000) });
    const services = createServices({ db, clock: systemClock, jobs: null, config });
    const ctx: AppContext = { config, database, db, clock: systemClock, jobs: null, services };

    // ---- weekly analysis ---------------------------------------------------------------------------------------
    const weekly = async (storeId?: string) => {
      const times: number[] = [];
      let received = 0;
      for (let i = 0; i < 6; i++) {
        const t = performance.now();
        const w = await services.complaintReports.weekly(SYSTEM_ACTOR, { weeks: 8, storeId });
        times.push(performance.now() - t);
        received = w.trend.reduce((a, x) => a + x.received, 0);
      }
      const measured = times.slice(1).sort((a, b) => a - b);
      return { median: measured[Math.floor(measured.length / 2)]!, max: measured.at(-1)!, received };
    };
    const all = await weekly();
    const one = await weekly(org.stores[0]!.id);
    const ms = (x: number) => Math.round(x * 10) / 10;
    rows.push({ case: 'weekly analysis, group (8-week trend)', complaints: opts.complaints, 'in 8 weeks': all.received, 'median ms': ms(all.median), 'max ms': ms(all.max), target: '≤ 1000 ms', met: all.max <= 1000 ? 'yes' : 'NO' });
    rows.push({ case: 'weekly analysis, one store', complaints: opts.complaints, 'in 8 weeks': one.received, 'median ms': ms(one.median), 'max ms': ms(one.max), target: '≤ 1000 ms', met: one.max <= 1000 ? 'yes' : 'NO' });

    // ---- survey answers over HTTP ------------------------------------------------------------------------------
    const tpl = (await db.execute<{ id: string }>(sql`select id from survey_templates where code = 'default_service'`)).rows[0]!.id;
    const n = opts.answers;
    const tokens = (
      await db.execute<{ token: string }>(sql`
        insert into survey_invitations (id, token, store_id, customer_id, template_id, touchpoint, advisor_staff_id, sent_at, expires_at, remind_at)
        select gen_random_uuid(), replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), c.store_id, c.id, ${tpl}::uuid, 'service',
          c.service_advisor_id, now(), now() + interval '14 days', now() + interval '2 days'
        from generate_series(1, ${n}) g join (select id, store_id, service_advisor_id, row_number() over (order by id) - 1 as rn from customers) c on c.rn = g % 20000
        returning token`)
    ).rows.map((r) => r.token);
    const app = await buildApp(ctx);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const body = JSON.stringify({ answers: { nps: 9, csat: 5, liked: ['staff', 'speed'], comment: '服务很好' } });
    const res = await new Promise<{ seconds: number; ok: number; non2xx: number; errors: number }>((resolve, reject) => {
      const w = new Worker(new URL('./voice-load.mjs', import.meta.url), { workerData: { url: address, tokens, connections: opts.connections, body } });
      // autocannon itself talks to a parent port when it runs in a worker: wait for our own message.
      w.on('message', (m: { kind?: string }) => m?.kind === 'voice-result' && resolve(m as never));
      w.once('error', reject);
    });
    const seconds = res.seconds;
    await app.close();
    const stored = Number((await db.execute<{ n: string }>(sql`select count(*) as n from survey_responses`)).rows[0]!.n);
    const rate = Math.round(res.ok / seconds);
    rows.push({
      case: `survey answers, POST /s/{token}/answers, ${opts.connections} connections`,
      complaints: '',
      'in 8 weeks': '',
      'median ms': '',
      'max ms': '',
      target: '≥ 1000 answers/s',
      met: rate >= 1000 ? 'yes' : 'NO',
      'answers/s': rate,
      '2xx': res.ok,
      non2xx: res.non2xx,
      errors: res.errors,
      stored,
    });
    log(`survey answers: ${res.ok.toLocaleString('en-US')} answered in ${seconds.toFixed(1)} s (${rate.toLocaleString('en-US')}/s), ${res.non2xx} non-2xx, ${stored} stored`);
    return rows;
  } finally {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
