/**
 * Lifecycle benchmark, part 1 — derived facts and segments, on the bench dataset (`npm run bench -- data`):
 *
 *   bare aggregation   select customer_id, count(*), sum(total_fen), max(opened_at) from repair_orders group by 1
 *                      (wrapped so every aggregate is computed but no row travels to the client)
 *   full refresh       every customer's and vehicle's facts: first run (empty tables), a re-run of the same day
 *                      (nothing changes), and the next day (the daily run: time-dependent values move)
 *   incremental        5,000 random customers
 *   segment count      a 4-condition rule, as the group admin and as the biggest store's manager
 *
 * Targets (issue 3): full refresh ≤ 5× the bare aggregation and ≤ 30 s at 1M customers; incremental ≤ 2 s; segment
 * count ≤ 300 ms. The Node process's RSS is sampled throughout (the work is in PostgreSQL; Node stays flat).
 * Called by `bench/run.ts` (scenario `facts`) or directly: `tsx bench/lifecycle.ts <database-url>`.
 */
import { sql } from 'drizzle-orm';
import type { TSegmentRule } from '../src/contracts/segments.js';
import { connect } from '../src/server/db/index.js';
import { runMigrations } from '../src/server/db/migrate.js';
import { segmentCountSql } from '../src/server/modules/segments/compiler.js';
import { refreshFacts, type TRefreshResult } from '../src/server/modules/segments/facts.js';
import { addDays } from '../src/server/modules/segments/rules.js';

type Row = Record<string, number | string>;

/** The 4-condition segment: regular or replacement owners, no visit in 6 months, SMS marketing consent, trade-in score ≥ 40. */
export const BENCH_RULE: TSegmentRule = {
  op: 'and',
  children: [
    { field: 'facts.lifecycle_stage', cmp: 'in', value: ['regular', 'replacement'] },
    { field: 'facts.last_visit', cmp: 'not_within', value: { relative: { direction: 'past', amount: 6, unit: 'month' } } },
    { field: 'consent.sms_marketing', cmp: 'eq', value: true },
    { field: 'facts.trade_in_score', cmp: 'gte', value: 40 },
  ],
};

const TZ = 'Asia/Shanghai';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Runs the facts and segment benchmark against `databaseUrl` (migrating it first: the facts tables may be newer than
 * the dataset) and returns one row per measurement.
 */
export async function runFactsBench(opts: { databaseUrl: string; log: (l: string) => void; asOf?: string; runs?: number }): Promise<Record<string, number | string>[]> {
  const { log } = opts;
  const database = connect(opts.databaseUrl, { max: 4, applicationName: 'baoke-bench-facts' });
  let rssMax = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
  }, 100);
  try {
    await runMigrations(database.pool);
    const db = database.db;
    const one = async <T>(q: ReturnType<typeof sql>) => (await db.execute(q)).rows[0] as T;
    const { customers, ros } = await one<{ customers: number; ros: number }>(sql`select (select count(*) from customers)::int as customers, (select count(*) from repair_orders)::int as ros`);
    const asOf = opts.asOf ?? (await one<{ d: string }>(sql`select to_char(max(opened_at) at time zone ${TZ}, 'YYYY-MM-DD') as d from repair_orders`)).d;
    log(`facts bench: ${customers.toLocaleString('en-US')} customers, ${ros.toLocaleString('en-US')} repair orders, as of ${asOf}`);
    await db.execute(sql`analyze`);

    const rows: Row[] = [];
    const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
      const t0 = performance.now();
      const out = await fn();
      return [out, Math.round(performance.now() - t0)];
    };

    // The bare aggregation, twice (the first warms the cache); the faster counts.
    const bareQuery = sql`select count(*)::int as n, sum(c)::bigint as c, sum(s)::bigint as s, max(m) as m
      from (select customer_id, count(*) as c, sum(total_fen) as s, max(opened_at) as m from repair_orders group by 1) x`;
    const bareTimes: number[] = [];
    for (let i = 0; i < 2; i++) bareTimes.push((await time(() => db.execute(bareQuery)))[1]);
    const bare = Math.min(...bareTimes);
    rows.push({ case: 'bare per-customer aggregation over repair_orders', ms: bare, target: '—' });
    log(`bare aggregation: ${bareTimes.join(' / ')} ms`);

    const facts = (r: TRefreshResult, ms: number, label: string): Row => ({
      case: label,
      ms,
      'x bare': Math.round((ms / bare) * 100) / 100,
      changed: `${r.changedCustomers.toLocaleString('en-US')} customers, ${r.changedVehicles.toLocaleString('en-US')} vehicles`,
      phases: Object.entries(r.phases)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · '),
      target: '≤ 5× bare, ≤ 30 s',
    });
    await db.execute(sql`truncate customer_facts, vehicle_facts`);
    const [first, firstMs] = await time(() => refreshFacts(db, { asOf, timeZone: TZ, log }));
    rows.push(facts(first, firstMs, 'full refresh, first run (empty facts)'));
    const [same, sameMs] = await time(() => refreshFacts(db, { asOf, timeZone: TZ, log }));
    rows.push(facts(same, sameMs, 'full refresh, same day again'));
    const [next, nextMs] = await time(() => refreshFacts(db, { asOf: addDays(asOf, 1), timeZone: TZ, log }));
    rows.push(facts(next, nextMs, 'full refresh, next day (daily run)'));

    const ids = (await db.execute<{ id: string }>(sql`select id from customers where status = 'active' order by md5(id::text) limit 5000`)).rows.map((r) => r.id);
    // Random customers: their rows are mostly not in the cache (the first run reads them from disk); the second run
    // of the same customers shows the cost once their pages are cached, as they are right after they changed.
    const [inc, incMs] = await time(() => refreshFacts(db, { asOf: addDays(asOf, 1), timeZone: TZ, customerIds: ids, log }));
    rows.push({ case: `incremental refresh, ${ids.length.toLocaleString('en-US')} random customers (cold)`, ms: incMs, changed: `${inc.changedCustomers} customers, ${inc.changedVehicles} vehicles`, phases: Object.entries(inc.phases).map(([k, v]) => `${k} ${v}`).join(' · '), target: '≤ 2,000 ms' });
    const [inc2, inc2Ms] = await time(() => refreshFacts(db, { asOf: addDays(asOf, 1), timeZone: TZ, customerIds: ids, log }));
    rows.push({ case: `incremental refresh, the same ${ids.length.toLocaleString('en-US')} again (cached)`, ms: inc2Ms, changed: `${inc2.changedCustomers} customers, ${inc2.changedVehicles} vehicles`, phases: Object.entries(inc2.phases).map(([k, v]) => `${k} ${v}`).join(' · '), target: '≤ 2,000 ms' });

    // Segment count: median of N runs after one warm-up, group-wide and for the biggest store.
    const today = addDays(asOf, 1);

    const { store } = await one<{ store: string }>(sql`select store_id as store from customers group by 1 order by count(*) desc limit 1`);
    const runs = opts.runs ?? 7;
    for (const [label, scope] of [
      ['segment count, 4 conditions, group-wide', sql`true`],
      ['segment count, 4 conditions, biggest store', sql`f.store_id = ${store}`],
    ] as const) {
      const q = segmentCountSql(BENCH_RULE, { today, timeZone: TZ }, scope);
      await db.execute(q);
      const times: number[] = [];
      let n = 0;
      for (let i = 0; i < runs; i++) {
        const [res, ms] = await time(() => db.execute<{ n: number }>(q));
        n = res.rows[0]!.n;
        times.push(ms);
      }
      rows.push({ case: label, ms: median(times), max: Math.max(...times), matches: n, target: '≤ 300 ms' });
    }
    rows.push({ case: 'bench process RSS (max)', ms: '—', mb: Math.round(rssMax / 2 ** 20), target: 'flat' });
    return rows;
  } finally {
    clearInterval(sampler);
    await database.close();
  }
}

// Direct use: tsx bench/lifecycle.ts postgres://…/db
if (process.argv[1] && /lifecycle\.ts$/.test(process.argv[1])) {
  const url = process.argv[2];
  if (!url) {
    console.error('usage: tsx bench/lifecycle.ts <database-url> [as-of]');
    process.exit(2);
  }
  runFactsBench({ databaseUrl: url, asOf: process.argv[3], log: (l) => console.log(`[facts] ${l}`) })
    .then((rows) => {
      for (const r of rows) console.log(JSON.stringify(r));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
