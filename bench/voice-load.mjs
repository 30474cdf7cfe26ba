// The load generator of the `voice` benchmark, run in a worker thread so the HTTP clients do not share the server's
// event loop: each request answers the next invitation token once. Plain JS so the worker needs no TypeScript loader.
// (Inside a worker thread autocannon reports raw latencies instead of percentiles, so only counts are passed back.)
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const autocannon = createRequire(import.meta.url)('autocannon');
const { url, tokens, connections, body } = workerData;
let next = 0;
const run = (amount) =>
  autocannon({
    url,
    connections,
    amount,
    timeout: 20,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, body, setupRequest: (req) => ({ ...req, path: `/api/v1/s/${tokens[next++ % tokens.length]}/answers` }) }],
  });
const warm = Math.min(500, Math.floor(tokens.length / 10));
await run(warm);
const t = performance.now();
const res = await run(tokens.length - warm);
const seconds = (performance.now() - t) / 1000;
parentPort.postMessage({ kind: 'voice-result', seconds, ok: res['2xx'], non2xx: res.non2xx, errors: res.errors });
