/**
 * The load generator, in a process of its own so that it never shares the measured server's CPU time slices
 * or event loop: autocannon against one URL on this machine, rotating through realistic hit bodies.
 *
 *   node --import tsx bench/collect/load.ts --url http://127.0.0.1:PORT/collect [--connections 50]
 *     [--duration 30] [--hits-per-request 1] [--first-id 0] [--server-pid PID]
 *
 * Every hit sent gets a unique `z` (first-id, first-id + 1, …), so the lake can be checked hit by hit. Prints
 * one JSON object (a `LoadResult`) on stdout. Only imported for its types: importing it runs a load.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { checkLoopback, requestBodies, withZ } from './hits.ts';
import { measureLoadCpu } from './proc.ts';

export interface LoadResult {
  generator: 'autocannon' | 'wrk';
  /** The load generator's threads: its CPU time is bound at this many cores. */
  generatorThreads: number;
  url: string;
  connections: number;
  durationSeconds: number;
  hitsPerRequest: number;
  /** Responses per second, all statuses: the mean of autocannon's per-second samples. */
  requestsPerSec: number;
  /** `requestsPerSec` × hits per request. */
  hitsPerSec: number;
  /** Latency of the responses, from the request's write to its response, to 0.01 ms. */
  latencyMs: Latency;
  /** autocannon's own figures, in whole milliseconds (its histogram drops the fractions): a cross-check. */
  autocannonLatencyMs: Latency;
  /** Requests written to a socket. */
  sent: number;
  /** Responses received, any status. */
  completed: number;
  ok2xx: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** This process's CPU time during the run, in % of one core: near 100%, the load generator is the bottleneck. */
  cpuPercent: number;
  /** The server's CPU time during the run (with --server-pid), in % of one core. */
  serverCpuPercent: number | null;
  /** CPU used by every other process of the machine during the run, in % of one core: noise when high. */
  otherCpuPercent: number | null;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /**
   * The hits' `z`: every id in [first, next) was sent, or with `ranges`, every id in each [start, end) of
   * them; `unacked` lists those not answered 2xx (null: the load generator cannot tell which).
   */
  hitIds: {
    first: number;
    next: number;
    ranges?: [number, number][];
    unacked: number[] | null;
    unackedTruncated: boolean;
  };
}

interface Latency {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The most hit ids listed as not acknowledged (in-flight when the run stops, errors, non-2xx). */
const MAX_UNACKED_LISTED = 200_000;

/** One run of a load generator: where, how hard, how long, and the first hit id to give. */
export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  hitsPerRequest: number;
  firstId: number;
  serverPid: number | null;
}

async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { url, connections, durationSeconds, hitsPerRequest, firstId, serverPid } = options;
  checkLoopback(url);

  const bodies = requestBodies(hitsPerRequest);

  // Which request each connection is waiting for: autocannon hands `setupRequest` and `onResponse` the
  // connection's context, and with pipelining 1 a response answers the last request set up on it.
  let nextId = firstId;
  let nextBody = 0;
  let acked = 0;
  const waiting = new Set<number>(); // first hit id of each request sent and not yet answered
  const latencies: number[] = [];
  const refused: number[] = []; // first hit id of each request answered non-2xx

  const cpuBefore = process.cpuUsage();
  const loadCpu = measureLoadCpu(serverPid);
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    pipelining: 1,
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    requests: [
      {
        setupRequest: (request, context) => {
          const lines = bodies[nextBody++ % bodies.length] ?? [];
          const first = nextId;
          nextId += lines.length;
          waiting.add(first);
          Object.assign(context, { first, sentAt: performance.now() });
          return { ...request, body: lines.map((line, i) => withZ(line, first + i)).join('\n') };
        },
        onResponse: (status, _body, context) => {
          const { first, sentAt } = context as { first?: number; sentAt?: number };
          if (first === undefined || sentAt === undefined) return;
          latencies.push(performance.now() - sentAt);
          waiting.delete(first);
          if (status >= 200 && status < 300) acked++;
          else refused.push(first);
        },
      },
    ],
  });

  const cpu = process.cpuUsage(cpuBefore);
  const { cpuPercent, serverCpuPercent, otherCpuPercent } = loadCpu.stop((cpu.user + cpu.system) / 1e6);
  if (acked !== result['2xx']) throw new Error(`counted ${acked} 2xx responses, autocannon ${result['2xx']}`);
  const unackedRequests = [...waiting, ...refused].sort((a, b) => a - b);
  const unacked = unackedRequests.flatMap((first) =>
    Array.from({ length: hitsPerRequest }, (_, i) => first + i),
  );

  const requestsPerSec = result.requests.mean;
  return {
    generator: 'autocannon',
    generatorThreads: 1,
    url,
    connections,
    durationSeconds: result.duration,
    hitsPerRequest,
    requestsPerSec,
    hitsPerSec: requestsPerSec * hitsPerRequest,
    latencyMs: summarize(latencies),
    autocannonLatencyMs: {
      mean: result.latency.mean,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    sent: (nextId - firstId) / hitsPerRequest,
    completed: result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'],
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]),
    ),
    cpuPercent,
    serverCpuPercent,
    otherCpuPercent,
    errors: result.errors,
    timeouts: result.timeouts,
    hitIds: {
      first: firstId,
      next: nextId,
      unacked: unacked.slice(0, MAX_UNACKED_LISTED),
      unackedTruncated: unacked.length > MAX_UNACKED_LISTED,
    },
  };
}

function summarize(values: number[]): Latency {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const round = (ms: number) => Math.round(ms * 100) / 100;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
  return {
    mean: round(mean),
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(at(1)),
  };
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '30' },
    'hits-per-request': { type: 'string', default: '1' },
    'first-id': { type: 'string', default: '0' },
    'server-pid': { type: 'string' },
  },
});
if (!values.url) throw new Error('--url is required');
const result = await runLoad({
  url: values.url,
  connections: Number(values.connections),
  durationSeconds: Number(values.duration),
  hitsPerRequest: Number(values['hits-per-request']),
  firstId: Number(values['first-id']),
  serverPid: values['server-pid'] ? Number(values['server-pid']) : null,
});
process.stdout.write(`${JSON.stringify(result)}\n`);
