/**
 * `npm run bench -- <scenario> [options]`: the benchmark runner.
 *
 *   data    build the bench dataset (default 1,000,000 customers, ~1.5 M vehicles, ~10 M repair orders)
 *   api     latency of the customer list, searches and the 360 view against that dataset
 *   import  the import pipeline (bench/import.ts) on a separate database of the same server
 *   facts   derived facts and segment counts (bench/lifecycle.ts) on the bench dataset
 *   lifecycle  the journeys engine: daily run of all default rules, incremental, preview (bench/lifecycle.ts)
 *   all     data (skipped when present), then api, import and facts
 *   loyalty the points ledger under load and 100 parallel coupon redemptions (bench/loyalty.ts), on its own database
 *           `baoke_loyalty_bench` of the server at --database-url (default the system PostgreSQL on 127.0.0.1:5432)
 *   voice   survey answers over HTTP and the weekly complaint analysis (bench/voice.ts), own database on --voice-url
 *
 * Results are printed as tables and written to bench/results/<scenario>-<timestamp>.json. See bench/README.md.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runApiBench } from './api.js';
import { runVoiceBench } from './voice.js';
import { DEFAULT_LOYALTY_BENCH_URL, runLoyaltyBench } from './loyalty.js';
import {
  buildBenchData,
  DEFAULT_AS_OF,
  DEFAULT_DATA_DIR,
  DEFAULT_PORT,
  openBenchServer,
  printTable,
  writeResults,
  type BenchServer,
  type Row,
} from './data.js';

interface Options {
  customers: number;
  seed: number;
  asOf: string;
  databaseUrl?: string;
  dataDir: string;
  port: number;
  rebuild?: boolean;
  batchSize: number;
  requests: number;
  connections: number;
  warmup: number;
  rows: number;
  clients: number;
  accounts: number;
  seconds: number;
  pool: number;
  voiceUrl: string;
  complaints: number;
  answers: number;
  voiceConnections: number;
}

const SCENARIOS = ['data', 'api', 'import', 'facts', 'lifecycle', 'all', 'loyalty', 'voice'] as const;
type Scenario = (typeof SCENARIOS)[number];

const log = (line: string) => console.log(`[bench] ${line}`);

const int = (name: string, min: number) => (v: string) => {
  const n = Number(v.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
  return n;
};

async function scenarioData(server: BenchServer, o: Options) {
  const report = await buildBenchData(server, { customers: o.customers, seed: o.seed, asOf: o.asOf, rebuild: Boolean(o.rebuild), batchSize: o.batchSize, log });
  console.log();
  printTable(report.tables);
  console.log(`\ndatabase size: ${report.databaseMb.toLocaleString('en-US')} MB`);
  if (report.built) {
    console.log(`build time: ${report.seconds} s (${Math.round(report.counts.customers as number / report.seconds).toLocaleString('en-US')} customers/s)\n`);
    printTable(Object.entries(report.phases).map(([phase, seconds]) => ({ phase, seconds })));
  }
  const file = writeResults('data', { options: { customers: o.customers, seed: o.seed, asOf: o.asOf }, ...report });
  log(`results written to ${file}`);
}

async function scenarioApi(server: BenchServer, o: Options) {
  const { rows, passed } = await runApiBench({ databaseUrl: server.url, requests: o.requests, connections: o.connections, warmup: o.warmup, log });
  console.log('\nserver time per request (ms), signed in as admin (all stores):\n');
  printTable(rows);
  console.log(`\ntargets: list p95 ≤ 100 ms · searches p95 ≤ 50 ms · 360 p95 ≤ 50 ms → ${passed ? 'all met' : 'NOT all met'}`);
  const file = writeResults('api', { options: { requests: o.requests, connections: o.connections, warmup: o.warmup }, passed, rows });
  log(`results written to ${file}`);
}

/**
 * Loads a scenario module written separately (bench/import.ts, bench/lifecycle.ts) and its entry function, or says
 * clearly that it is not there yet.
 */
async function optionalScenario<F>(file: string, exportName: string): Promise<F | null> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(file)) as Record<string, unknown>;
  } catch (err) {
    const missing = err instanceof Error && /Cannot find module|ERR_MODULE_NOT_FOUND/.test(`${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`);
    if (!missing) throw err;
    log(`bench/${file.replace('./', '').replace('.js', '.ts')} is not there yet: skipping this scenario`);
    return null;
  }
  if (typeof mod[exportName] !== 'function') {
    log(`bench/${file.replace('./', '').replace('.js', '.ts')} does not export ${exportName}(): skipping this scenario`);
    return null;
  }
  return mod[exportName] as F;
}

async function scenarioImport(server: BenchServer, o: Options) {
  const runImportBench = await optionalScenario<(opts: { rows: number; databaseUrl: string; log: (line: string) => void }) => Promise<Row[]>>('./import.js', 'runImportBench');
  if (!runImportBench) return;
  // Its own database: the import must not merge into (or be slowed by) the generated dataset.
  await server.recreate('baoke_import_bench').catch(() => undefined);
  const url = await server.urlFor('baoke_import_bench');
  const rows = await runImportBench({ rows: o.rows, databaseUrl: url, log });
  console.log();
  printTable(rows);
  const file = writeResults('import', { options: { rows: o.rows }, rows });
  log(`results written to ${file}`);
}

async function scenarioFacts(server: BenchServer, o: Options) {
  const runFactsBench = await optionalScenario<(opts: { databaseUrl: string; log: (line: string) => void; asOf?: string }) => Promise<Row[]>>('./lifecycle.js', 'runFactsBench');
  if (!runFactsBench) return;
  const rows = await runFactsBench({ databaseUrl: server.url, log, asOf: o.asOf });
  console.log();
  printTable(rows);
  const file = writeResults('facts', { options: { asOf: o.asOf }, rows });
  log(`results written to ${file}`);
}

async function scenarioLifecycle(server: BenchServer, o: Options) {
  const runLifecycleBench = await optionalScenario<(opts: { databaseUrl: string; log: (line: string) => void; asOf?: string }) => Promise<Row[]>>('./lifecycle.js', 'runLifecycleBench');
  if (!runLifecycleBench) return;
  const rows = await runLifecycleBench({ databaseUrl: server.url, log });
  console.log();
  printTable(rows);
  const file = writeResults('lifecycle', { options: { customers: o.customers }, rows });
  log(`results written to ${file}`);
}

async function scenarioLoyalty(o: Options) {
  const { rows, passed, summary } = await runLoyaltyBench({ serverUrl: o.databaseUrl ?? DEFAULT_LOYALTY_BENCH_URL, accounts: o.accounts, clients: o.clients, seconds: o.seconds, pool: o.pool, log });
  console.log();
  printTable(rows);
  console.log(`\ntargets: ≥ 1,500 ops/s · p99 ≤ 50 ms · no overspend · reconciles · exactly one 核销 → ${passed ? 'all met' : 'NOT all met'}`);
  const file = writeResults('loyalty', { options: { accounts: o.accounts, clients: o.clients, seconds: o.seconds, pool: o.pool }, passed, summary, rows });
  log(`results written to ${file}`);
}

async function scenarioVoice(o: Options) {
  log(`voice: database baoke_voice_bench on ${o.voiceUrl.replace(/\/\/[^@]*@/, '//')}`);
  const rows = await runVoiceBench({ serverUrl: o.voiceUrl, complaints: o.complaints, answers: o.answers, connections: o.voiceConnections, log });
  console.log();
  printTable(rows);
  const file = writeResults('voice', { options: { complaints: o.complaints, answers: o.answers, connections: o.voiceConnections, server: o.voiceUrl.replace(/\/\/[^@]*@/, '//') }, rows });
  log(`results written to ${file}`);
}

const program = new Command('bench')
  .description('Baoke benchmarks: data | api | import | facts | lifecycle | all | loyalty | voice (see bench/README.md)')
  .argument('<scenario>', SCENARIOS.join(' | '))
  .option('--customers <n>', 'customers in the bench dataset', int('--customers', 1), 1_000_000)
  .option('--seed <n>', 'generator seed', int('--seed', 0), 2026)
  .option('--as-of <date>', '"today" of the generated history (YYYY-MM-DD)', DEFAULT_AS_OF)
  .option('--database-url <url>', 'use this PostgreSQL database instead of the embedded bench server')
  .option('--data-dir <dir>', 'data directory of the embedded bench server', DEFAULT_DATA_DIR)
  .option('--port <n>', 'port of the embedded bench server', int('--port', 1024), DEFAULT_PORT)
  .option('--rebuild', 'drop the bench database and generate it again (embedded server only)')
  .option('--batch-size <n>', 'customers per generator round', int('--batch-size', 1000), 50_000)
  .option('--requests <n>', 'api: measured requests per case', int('--requests', 1), 300)
  .option('--connections <n>', 'api: concurrent connections', int('--connections', 1), 1)
  .option('--warmup <n>', 'api: unmeasured requests per case first', int('--warmup', 0), 20)
  .option('--rows <n>', 'import: rows in the generated CSV', int('--rows', 1), 200_000)
  .option('--clients <n>', 'loyalty: concurrent clients', int('--clients', 1), 50)
  .option('--accounts <n>', 'loyalty: accounts', int('--accounts', 1), 10_000)
  .option('--seconds <n>', 'loyalty: seconds of load', int('--seconds', 1), 60)
  .option('--pool <n>', 'loyalty: database connections the clients share', int('--pool', 1), 12)
  .option('--voice-url <url>', 'voice: PostgreSQL server to create baoke_voice_bench on', 'postgres://postgres@127.0.0.1:5432/postgres')
  .option('--complaints <n>', 'voice: generated complaints', int('--complaints', 1), 100_000)
  .option('--answers <n>', 'voice: survey answers sent', int('--answers', 100), 20_000)
  .option('--voice-connections <n>', 'voice: concurrent HTTP clients', int('--voice-connections', 1), 64)
  .action(async (scenario: string, o: Options) => {
    if (!SCENARIOS.includes(scenario as Scenario)) throw new InvalidArgumentError(`unknown scenario "${scenario}": choose ${SCENARIOS.join(', ')}`);
    if (scenario === 'loyalty') return scenarioLoyalty(o);
    if (scenario === 'voice') return scenarioVoice(o);
    const server = await openBenchServer({ databaseUrl: o.databaseUrl, dataDir: o.dataDir, port: o.port, log });
    try {
      if (scenario === 'data' || scenario === 'all') await scenarioData(server, o);
      if (scenario === 'api' || scenario === 'all') await scenarioApi(server, o);
      if (scenario === 'import' || scenario === 'all') await scenarioImport(server, o);
      if (scenario === 'facts' || scenario === 'all') await scenarioFacts(server, o);
      if (scenario === 'lifecycle' || scenario === 'all') await scenarioLifecycle(server, o);
    } finally {
      await server.stop();
    }
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`[bench] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
