/**
 * API latency benchmark against the bench dataset: the real Fastify app listening on 127.0.0.1, driven over HTTP by
 * autocannon, signed in as `admin` (the group-wide role, so every query spans all stores — the hardest case).
 *
 * Two latencies per case: server time (Fastify's `reply.elapsedTime`, from request received to response sent — what
 * the targets are about) and client time (autocannon, which includes the HTTP client running in this same process).
 * Probe values (stores, consultants, tags, models, last-4 digits, plates, VIN fragments, customer ids) are sampled from
 * random existing rows, so each request asks for something different and caches are not trivially warm.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { createServices, type AppContext } from '../src/server/context.js';
import { connect } from '../src/server/db/index.js';
import { systemClock } from '../src/server/platform/clock.js';
import { DEMO_PASSWORD } from '../src/server/seed/org.js';
import type { Log, Row } from './data.js';

/** The parts of autocannon's API used here (the package ships no types). */
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
  onResponse?: (status: number, body: string) => void;
}
interface AutocannonResult {
  requests: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  amount: number;
  headers: Record<string, string>;
  requests: AutocannonRequest[];
  timeout?: number;
}) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface ApiBenchOptions {
  databaseUrl: string;
  /** Measured requests per case. */
  requests: number;
  /** Concurrent connections (1 = one request at a time: pure latency). */
  connections: number;
  /** Requests per case sent first and not measured. */
  warmup: number;
  log: Log;
}

interface Case {
  name: string;
  group: 'list' | 'search' | '360';
  targetP95: number;
  paths: string[];
  /** An answer with no customer means the probe did not find what it was sampled from. */
  expectHits: boolean;
}

const TARGETS = { list: 100, search: 50, '360': 50 } as const;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Random existing values to probe with; `n` of each, drawn from a Bernoulli sample of the table. */
async function sampleProbes(pool: pg.Pool, n: number) {
  const q = async <T>(text: string) => (await pool.query<T & pg.QueryResultRow>(text)).rows;
  const [{ customers } = { customers: 0 }] = await q<{ customers: number }>(`SELECT reltuples::bigint AS customers FROM pg_class WHERE relname = 'customers'`);
  const pct = Math.min(100, Math.max(0.01, ((n * 20) / Math.max(1, Number(customers))) * 100)).toFixed(4);
  const vehiclePct = Math.min(100, Number(pct)).toFixed(4);
  const customerRows = await q<{ id: string; last4: string }>(
    `SELECT id, mobile_last4 AS last4 FROM customers TABLESAMPLE BERNOULLI (${pct}) WHERE status = 'active' AND mobile IS NOT NULL ORDER BY random() LIMIT ${n}`,
  );
  const vehicleRows = await q<{ plate: string | null; vin: string }>(`SELECT plate, vin FROM vehicles TABLESAMPLE BERNOULLI (${vehiclePct}) ORDER BY random() LIMIT ${n}`);
  const stores = await q<{ id: string }>(`SELECT id FROM stores WHERE active`);
  const consultants = await q<{ id: string }>(`SELECT id FROM staff WHERE role = 'sales' AND active ORDER BY random() LIMIT ${n}`);
  const tags = await q<{ id: string }>(`SELECT id FROM tags`);
  const models = await q<{ id: string }>(`SELECT id FROM vehicle_models WHERE active`);
  const months = await q<{ from: string; to: string }>(
    `SELECT to_char(d, 'YYYY-MM-DD') AS from, to_char(d + interval '1 month' - interval '1 day', 'YYYY-MM-DD') AS to
     FROM generate_series(date_trunc('month', now() - interval '4 years'), date_trunc('month', now() - interval '1 month'), interval '1 month') d`,
  );
  // A VIN fragment as staff type it: 8 characters from the middle or the end, containing a letter and a digit.
  const fragment = (vin: string, i: number) => {
    for (const start of [9, 3 + (i % 6), 5]) {
      const f = vin.slice(start, start + 8);
      if (/[A-Z]/.test(f) && /\d/.test(f)) return f;
    }
    return vin.slice(9);
  };
  return {
    customerIds: customerRows.map((r) => r.id),
    last4: customerRows.map((r) => r.last4),
    plates: vehicleRows.map((r) => r.plate).filter((p): p is string => Boolean(p)),
    vinFragments: vehicleRows.map((r, i) => fragment(r.vin, i)),
    stores: stores.map((r) => r.id),
    consultants: consultants.map((r) => r.id),
    tags: tags.map((r) => r.id),
    models: models.map((r) => r.id),
    months,
  };
}

function buildCases(p: Awaited<ReturnType<typeof sampleProbes>>, n: number): Case[] {
  const cycle = <T>(xs: T[], f: (x: T, i: number) => string) => Array.from({ length: n }, (_, i) => f(xs[i % xs.length]!, i));
  const list = (query: string) => `/api/v1/customers?limit=50&${query}`;
  const cases: Case[] = [
    { name: 'list: store + newest first', group: 'list', targetP95: TARGETS.list, expectHits: true, paths: cycle(p.stores, (s) => list(`storeId=${s}&sort=created_desc`)) },
    { name: 'list: consultant + name A–Z', group: 'list', targetP95: TARGETS.list, expectHits: true, paths: cycle(p.consultants, (s) => list(`consultantId=${s}&sort=name_asc`)) },
    { name: 'list: tag + newest first', group: 'list', targetP95: TARGETS.list, expectHits: true, paths: cycle(p.tags, (s) => list(`tagId=${s}&sort=created_desc`)) },
    { name: 'list: model + name Z–A', group: 'list', targetP95: TARGETS.list, expectHits: true, paths: cycle(p.models, (s) => list(`modelId=${s}&sort=name_desc`)) },
    {
      name: 'list: purchase month + oldest first',
      group: 'list',
      targetP95: TARGETS.list,
      expectHits: true,
      paths: cycle(p.months, (m) => list(`purchasedFrom=${m.from}&purchasedTo=${m.to}&sort=created_asc`)),
    },
    { name: 'search: mobile last 4', group: 'search', targetP95: TARGETS.search, expectHits: true, paths: cycle(p.last4, (s) => list(`q=${s}`)) },
    { name: 'search: plate', group: 'search', targetP95: TARGETS.search, expectHits: true, paths: cycle(p.plates, (s) => list(`q=${encodeURIComponent(s)}`)) },
    { name: 'search: VIN fragment', group: 'search', targetP95: TARGETS.search, expectHits: true, paths: cycle(p.vinFragments, (s) => list(`q=${s}`)) },
    { name: 'customer 360', group: '360', targetP95: TARGETS['360'], expectHits: false, paths: cycle(p.customerIds, (id) => `/api/v1/customers/${id}`) },
  ];
  return cases.filter((c) => c.paths.length > 0);
}

async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }) });
  if (res.status !== 200) throw new Error(`admin sign-in failed (${res.status}): ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  return cookies.join('; ');
}

/** Runs the API cases and returns one row per case with server p50/p95/p99 and the target. */
export async function runApiBench(opts: ApiBenchOptions): Promise<{ rows: Row[]; passed: boolean }> {
  const { log } = opts;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baoke-api-bench-'));
  const database = connect(opts.databaseUrl, { max: 20, applicationName: 'baoke-bench-api' });
  let app: FastifyInstance | undefined;
  try {
    const customers = Number((await database.pool.query<{ n: string }>('SELECT count(*) AS n FROM (SELECT 1 FROM customers LIMIT 1) x')).rows[0]!.n);
    if (!customers) throw new Error('the bench database has no customers: run `npm run bench -- data` first');
    const config = loadConfig({ ...process.env, DATABASE_URL: opts.databaseUrl, BAOKE_DATA_DIR: dataDir, BAOKE_LOG_LEVEL: 'silent' });
    const services = createServices({ db: database.db, clock: systemClock, jobs: null, config });
    const ctx: AppContext = { config, database, db: database.db, clock: systemClock, jobs: null, services };
    app = await buildApp(ctx, { logger: false });
    // Server-side time of every response, collected into the case being measured.
    let serverTimes: number[] | null = null;
    app.addHook('onResponse', async (_req, reply) => {
      serverTimes?.push(reply.elapsedTime);
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const cookie = await signIn(address);

    const n = opts.requests + opts.warmup;
    log(`sampling probe values …`);
    const probes = await sampleProbes(database.pool, Math.max(50, Math.min(n, 2000)));
    const cases = buildCases(probes, n);
    const rows: Row[] = [];
    let passed = true;
    for (const c of cases) {
      // Warm-up requests use the last probes; measured ones the first, so no measured probe was asked before.
      for (const p of c.paths.slice(opts.requests, n)) await fetch(`${address}${p}`, { headers: { cookie } }).then((r) => r.arrayBuffer());
      const paths = c.paths.slice(0, opts.requests);
      let next = 0;
      let empty = 0;
      let failed = 0;
      let firstError = '';
      serverTimes = [];
      const clientTimes: number[] = [];
      const instance = autocannon({
        url: address,
        connections: opts.connections,
        amount: paths.length,
        timeout: 30,
        headers: { cookie },
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }),
            onResponse: (status, body) => {
              if (status !== 200) {
                failed++;
                firstError ||= `${status} ${body.slice(0, 200)}`;
              } else if (c.expectHits && body.includes('"items":[]')) empty++;
            },
          },
        ],
      });
      instance.on('response', (_client, _status, _bytes, ms) => clientTimes.push(ms));
      const result = await instance;
      const server = [...serverTimes].sort((a, b) => a - b);
      const client = clientTimes.sort((a, b) => a - b);
      serverTimes = null;
      const p95 = percentile(server, 95);
      const ok = failed === 0 && p95 <= c.targetP95;
      passed &&= ok;
      if (firstError) log(`${c.name}: ${failed} failed responses, first: ${firstError}`);
      rows.push({
        case: c.name,
        requests: paths.length,
        'p50 ms': round1(percentile(server, 50)),
        'p95 ms': round1(p95),
        'p99 ms': round1(percentile(server, 99)),
        'target p95': c.targetP95,
        'client p95': round1(percentile(client, 95)),
        'req/s': Math.round(result.requests.average),
        errors: failed + result.errors + result.timeouts,
        'no match': c.expectHits ? empty : '-',
        result: failed ? 'ERROR' : ok ? 'ok' : 'SLOW',
      });
      log(`${c.name}: p95 ${round1(p95)} ms`);
    }
    return { rows, passed };
  } finally {
    await app?.close();
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
