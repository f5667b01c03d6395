/**
 * The dashboard under load, in `./pdi up` with its defaults: while a pumper sends `--rate` hits/s (500),
 * - the latency of `/api/overview?grain=hour` and `/api/live` (p50, p99), each polled every half second;
 * - freshness: a probe hit every second, each with a client id of its own; the time from its 200 to its first
 *   appearance in RAW.LOGS and in EVENTS_LIVE.LOGS, and in `/api/live`. The tables are polled through the
 *   runtime's control socket, as `./pdi sql` does, one query after another with 100 ms between them; a probe
 *   appeared, at the latest, when the first query that finds it began (a query sees what was committed before
 *   it began). It is in `/api/live` for a request made then, in that request's time: the bench adds the latency
 *   of the first `/api/live` answer read after that moment (its `as_of`), rather than waiting for its own next
 *   poll. The figures at each query's end (the bench's own view, which adds its polling) are printed too.
 *   Target: p99 ≤ 2 s. `--transform-every` is passed on to `./pdi up` (its default otherwise).
 * Every probe must reach EVENTS_LIVE.LOGS by the end, once.
 *
 *   node --import tsx bench/dashboard/freshness.ts [--seconds 300] [--rate 500] [--transform-every S]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { controlSocketPath } from '../../src/config/runtime-paths.ts';
import { queryThroughControl } from '../../src/warehouse/control.ts';
import { describeMachine } from '../collect/machine.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' },
    rate: { type: 'string', default: '500' },
    'transform-every': { type: 'string' },
    'keep-home': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const PDI = path.join(import.meta.dirname, '..', '..', 'pdi');

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(PDI, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`pdi ${args[0]} exited ${code}`)),
    );
  });
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
  };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const home = await mkdtemp(path.join(os.tmpdir(), 'pdi-bench-dashboard-'));
const datasetDir = path.join(home, 'dataset');
// enough rows for the whole run at the rate (about 8 hits a session)
await run([
  'generate',
  '--home',
  home,
  '--out',
  datasetDir,
  '--sessions',
  String(Math.ceil((seconds * rate) / 6)),
  '--seed',
  '7',
]);

const transformEvery = values['transform-every'];
const upArgs = ['up', '--home', home, '--port', '0'];
if (transformEvery) upArgs.push('--transform-every', transformEvery);
const up: ChildProcess = spawn(PDI, upArgs, {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const upExited = new Promise((resolve) => up.once('exit', resolve));
const url = /https?:\/\/[\d.:]+/.exec(
  await new Promise<string>((resolve) =>
    createInterface({ input: up.stdout as NodeJS.ReadableStream }).once('line', resolve),
  ),
)?.[0] as string;
const socket = controlSocketPath(home);

const pump = spawn(
  PDI,
  [
    'pump',
    '--home',
    home,
    '--dataset',
    datasetDir,
    '--url',
    url,
    '--rate',
    String(rate),
    '--limit',
    String(seconds * rate),
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
const pumped = new Promise((resolve) => pump.once('exit', resolve));

// measured from the first dbt run on: before it, EVENTS_LIVE does not exist yet
const warmupStarted = Date.now();
while (!(await queryThroughControl(socket, 'select 1 from EVENTS_LIVE.LOGS limit 1').catch(() => null))) {
  if (Date.now() - warmupStarted > 300_000) throw new Error('no EVENTS_LIVE.LOGS after 5 minutes');
  await sleep(500);
}
const started = Date.now();
const endAt = started + seconds * 1000;
const latency: Record<string, number[]> = { '/api/overview?grain=hour': [], '/api/live': [] };
const statuses: Record<string, Record<number, number>> = { '/api/overview?grain=hour': {}, '/api/live': {} };
const liveAnswers: { receivedMs: number; asOfMs: number; latencyMs: number }[] = [];

const pollApi = async (route: string, offsetMs: number) => {
  await sleep(offsetMs);
  while (Date.now() < endAt) {
    const t0 = performance.now();
    const res = await fetch(`${url}${route}`);
    const body = (await res.json()) as { as_of?: string };
    const latencyMs = performance.now() - t0;
    (latency[route] as number[]).push(latencyMs);
    const counts = statuses[route] as Record<number, number>;
    counts[res.status] = (counts[res.status] ?? 0) + 1;
    if (route === '/api/live' && res.status === 200 && body.as_of) {
      liveAnswers.push({ receivedMs: Date.now(), asOfMs: Date.parse(body.as_of), latencyMs });
    }
    await sleep(500);
  }
};

/** Per probe, when it was accepted, and when the first query that found it began (`…Ms`) and ended (`…AnsweredMs`). */
interface Probe {
  cid: string;
  acceptedMs: number;
  rawMs?: number;
  rawAnsweredMs?: number;
  visibleMs?: number;
  visibleAnsweredMs?: number;
}
const probes: Probe[] = [];
const sendProbes = async () => {
  for (let i = 0; Date.now() < endAt - 5_000; i++) {
    const cid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const res = await fetch(`${url}/collect`, {
      method: 'POST',
      body: `v=1&t=pageview&cid=${cid}&z=probe-${i}`,
    });
    if (res.status === 200) probes.push({ cid, acceptedMs: Date.now() });
    await sleep(1_000);
  }
};

/** Marks, in `field`, the probes that `table`'s client id column now holds. */
const watch = async (table: string, column: string, field: 'rawMs' | 'visibleMs') => {
  const answered = field === 'rawMs' ? 'rawAnsweredMs' : 'visibleAnsweredMs';
  while (Date.now() < endAt + 60_000) {
    const waiting = probes.filter((p) => p[field] === undefined);
    if (Date.now() >= endAt && waiting.length === 0) return;
    if (waiting.length > 0) {
      const asked = Date.now();
      const rows = await queryThroughControl(
        socket,
        `select ${column} as client_id from ${table} where ${column} in (${waiting.map((p) => `'${p.cid}'`).join(', ')})`,
      ).catch((error: Error) => {
        console.error(`polling ${table}: ${error.message.split('\n')[0]}`);
        return [];
      });
      const seen = new Set((rows ?? []).map((r) => String(r.client_id)));
      const now = Date.now();
      for (const p of waiting) {
        if (!seen.has(p.cid)) continue;
        p[field] = asked;
        p[answered] = now;
      }
    }
    await sleep(100);
  }
};

await Promise.all([
  pollApi('/api/overview?grain=hour', 0),
  pollApi('/api/live', 250),
  sendProbes(),
  watch('RAW.LOGS', 'CLIENT_ID', 'rawMs'),
  watch('EVENTS_LIVE.LOGS', 'client_id', 'visibleMs'),
]);
const counted = await queryThroughControl(
  socket,
  `select count(*)::int as n, count(distinct client_id)::int as clients from EVENTS_LIVE.LOGS where client_id like '00000000-0000-4000-8000-%'`,
);
pump.kill('SIGINT');
await pumped;
up.kill('SIGINT');
await upExited;

const visible = probes.filter((p) => p.visibleMs !== undefined);
const toLive = visible.flatMap((p) => {
  const answer = liveAnswers.find((a) => a.asOfMs >= (p.visibleMs as number));
  return answer ? [(p.visibleMs as number) + answer.latencyMs - p.acceptedMs] : [];
});
// as the bench itself saw them: at the end of its queries, and at its next `/api/live` poll after that
const polled = (answeredMs: number | undefined, p: Probe) =>
  answeredMs === undefined ? [] : [answeredMs - p.acceptedMs];
const toLivePolled = visible.flatMap((p) => {
  const answer = liveAnswers.find((a) => a.asOfMs >= (p.visibleAnsweredMs as number));
  return answer ? [answer.receivedMs - p.acceptedMs] : [];
});
const result = {
  machine: describeMachine(),
  command: `node --import tsx bench/dashboard/freshness.ts --seconds ${seconds} --rate ${rate}${transformEvery ? ` --transform-every ${transformEvery}` : ''}`,
  seconds,
  rate,
  apiLatencyMs: Object.fromEntries(
    Object.entries(latency).map(([route, samples]) => [route, summary(samples)]),
  ),
  apiStatuses: statuses,
  freshnessMs: {
    rawLogs: summary(probes.flatMap((p) => (p.rawMs === undefined ? [] : [p.rawMs - p.acceptedMs]))),
    eventsLive: summary(visible.map((p) => (p.visibleMs as number) - p.acceptedMs)),
    apiLive: summary(toLive),
  },
  freshnessPolledMs: {
    rawLogs: summary(probes.flatMap((p) => polled(p.rawAnsweredMs, p))),
    eventsLive: summary(visible.flatMap((p) => polled(p.visibleAnsweredMs, p))),
    apiLive: summary(toLivePolled),
  },
  probes: { sent: probes.length, visible: visible.length, inEventsLive: counted?.[0] },
  // when the slowest ones were sent, to set beside the runtime's log (its loads, its builds' steps)
  slowestProbes: [...visible]
    .sort((a, b) => (b.visibleMs as number) - b.acceptedMs - ((a.visibleMs as number) - a.acceptedMs))
    .slice(0, 6)
    .map((p) => ({
      acceptedAt: new Date(p.acceptedMs).toISOString(),
      rawLogsMs: p.rawMs === undefined ? null : p.rawMs - p.acceptedMs,
      eventsLiveMs: (p.visibleMs as number) - p.acceptedMs,
    })),
};
console.log(JSON.stringify(result, null, 2));
const round = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 1 : 0) : '—');
for (const [route, s] of Object.entries(result.apiLatencyMs)) {
  console.log(
    `${route.padEnd(26)} p50 ${round(s.p50)} ms  p99 ${round(s.p99)} ms  max ${round(s.max)} ms  (${s.n}; ${JSON.stringify(statuses[route])})`,
  );
}
for (const [what, s] of Object.entries(result.freshnessMs)) {
  console.log(
    `freshness → ${what.padEnd(11)} p50 ${round(s.p50 / 1000)} s  p99 ${round(s.p99 / 1000)} s  max ${round(s.max / 1000)} s  (${s.n} probes; target p99 ≤ 2 s)`,
  );
}
for (const [what, s] of Object.entries(result.freshnessPolledMs)) {
  console.log(
    `  as polled → ${what.padEnd(11)} p50 ${round(s.p50 / 1000)} s  p99 ${round(s.p99 / 1000)} s  max ${round(s.max / 1000)} s`,
  );
}
if (!values['keep-home']) await rm(home, { recursive: true, force: true });
if (visible.length !== probes.length) {
  console.error(`${probes.length - visible.length} probes never reached EVENTS_LIVE.LOGS`);
  process.exitCode = 1;
}
