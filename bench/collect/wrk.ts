/**
 * The load generator that is not the limit: wrk (Debian's `wrk`, C with epoll), driven by a Lua script that
 * sends the same hits as `load.ts` with the same unique `z` per hit. On two cores autocannon needs a whole
 * core for about 30k requests/s and so holds the bare baseline down; wrk needs about a quarter of one.
 *
 * What wrk cannot tell is which request went unanswered: its Lua `response()` is not told which request it
 * answers. So the lake check is by count: every hit in the lake was sent, none is there twice, and the lake
 * holds at least as many hits as were answered 2xx, and at most as many more as requests were in flight when
 * the load stopped. `load.ts` (autocannon) checks hit by hit; `--generator autocannon` uses it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkLoopback, requestBodies } from './hits.ts';
import type { LoadOptions, LoadResult } from './load.ts';
import { cpuSeconds, measureLoadCpu } from './proc.ts';

/** wrk's threads: two, so that it is never bound by one core, with a range of hit ids each. */
const THREADS = 2;
/** Hit ids of a thread: `first + k * STRIDE`, onwards; far more than a run sends. */
const STRIDE = 100_000_000;

export async function runWrk(options: LoadOptions): Promise<LoadResult> {
  const { url, connections, durationSeconds, hitsPerRequest, firstId, serverPid } = options;
  checkLoopback(url);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-bench-wrk-'));
  try {
    const bodies = requestBodies(hitsPerRequest);
    // one body a line, its hits separated by a tab (hits are URL-encoded: no tab, no newline in them)
    const bodiesFile = path.join(dir, 'bodies.txt');
    await writeFile(bodiesFile, `${bodies.map((lines) => lines.join('\t')).join('\n')}\n`);
    const script = path.join(dir, 'hits.lua');
    await writeFile(script, luaScript(bodiesFile, firstId));

    const loadCpu = measureLoadCpu(serverPid);
    const { stdout, cpuSeconds: generatorCpu } = await runProcess('/usr/bin/wrk', [
      `-t${THREADS}`,
      `-c${connections}`,
      `-d${durationSeconds}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      url,
    ]);
    const { cpuPercent, serverCpuPercent, otherCpuPercent } = loadCpu.stop(generatorCpu);

    const summary = parseSummary(stdout);
    const ok2xx = summary.responses - summary.non2xx;
    const ranges = summary.threads.map(({ first, sent }) => [first, first + sent * hitsPerRequest]);
    const sent = summary.threads.reduce((n, t) => n + t.sent, 0);
    return {
      generator: 'wrk',
      generatorThreads: THREADS,
      url,
      connections,
      durationSeconds: summary.seconds,
      hitsPerRequest,
      requestsPerSec: summary.responses / summary.seconds,
      hitsPerSec: (summary.responses / summary.seconds) * hitsPerRequest,
      latencyMs: summary.latencyMs,
      autocannonLatencyMs: summary.latencyMs,
      sent,
      completed: summary.responses,
      ok2xx,
      non2xx: summary.non2xx,
      statusCodes: summary.non2xx > 0 ? { 'non-2xx': summary.non2xx } : {},
      cpuPercent,
      serverCpuPercent,
      otherCpuPercent,
      errors: summary.connectionErrors,
      timeouts: summary.timeouts,
      hitIds: {
        first: firstId,
        next: Math.max(...ranges.map(([, end]) => end as number)),
        ranges: ranges as [number, number][],
        unacked: null,
        unackedTruncated: false,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Each thread sends the bodies in turn from its own place, each hit with the next id of the thread's range;
 * at the end, the main thread prints each thread's count and wrk's summary, one value per line.
 */
function luaScript(bodiesFile: string, firstId: number): string {
  return `
local bodies = {}
for line in io.lines(${JSON.stringify(bodiesFile)}) do
  local hits = {}
  for hit in string.gmatch(line, "[^\\t]+") do hits[#hits + 1] = hit end
  bodies[#bodies + 1] = hits
end
local threads = {}
function setup(thread)
  thread:set("first", ${firstId} + #threads * ${STRIDE})
  thread:set("index", #threads)
  table.insert(threads, thread)
end
local first, sent, body_at = 0, 0, 0
function init(args)
  first = wrk.thread:get("first")
  body_at = wrk.thread:get("index") * 997
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain"
function request()
  local hits = bodies[(body_at % #bodies) + 1]
  body_at = body_at + 1
  local lines = {}
  for i, hit in ipairs(hits) do
    lines[i] = hit .. "&z=" .. string.format("%d", first + sent * #hits + i - 1)
  end
  sent = sent + 1
  wrk.thread:set("sent", sent)
  return wrk.format(nil, nil, nil, table.concat(lines, "\\n"))
end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(string.format("thread %d %d\\n", t:get("first"), t:get("sent") or 0))
  end
  local e = summary.errors
  io.write(string.format("summary %d %d %d %d %d\\n", summary.duration, summary.requests, e.status,
    e.connect + e.read + e.write, e.timeout))
  io.write(string.format("latency %d %d %d %d %d\\n", latency.mean, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max))
end
`;
}

interface WrkSummary {
  seconds: number;
  responses: number;
  non2xx: number;
  connectionErrors: number;
  timeouts: number;
  latencyMs: LoadResult['latencyMs'];
  threads: { first: number; sent: number }[];
}

function parseSummary(stdout: string): WrkSummary {
  const line = (name: string) => {
    const found = stdout.split('\n').find((l) => l.startsWith(`${name} `));
    if (!found) throw new Error(`wrk printed no ${name} line:\n${stdout}`);
    return found.split(' ').slice(1).map(Number);
  };
  const [micros = 0, responses = 0, non2xx = 0, connectionErrors = 0, timeouts = 0] = line('summary');
  const [mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0] = line('latency').map(
    (us) => Math.round(us / 10) / 100,
  );
  const threads = stdout
    .split('\n')
    .filter((l) => l.startsWith('thread '))
    .map((l) => {
      const [, first, sent] = l.split(' ').map(Number);
      return { first: first ?? 0, sent: sent ?? 0 };
    });
  return {
    seconds: micros / 1e6,
    responses,
    non2xx,
    connectionErrors,
    timeouts,
    latencyMs: { mean, p50, p90, p99, max },
    threads,
  };
}

/** Runs a command to its end; its stdout, and the CPU seconds it used (read before it is reaped). */
function runProcess(command: string, args: string[]): Promise<{ stdout: string; cpuSeconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let cpu = 0;
    // the CPU time of a process can only be read while it exists: sampled until it exits (within 200 ms)
    const timer = setInterval(() => {
      try {
        if (child.pid) cpu = cpuSeconds(child.pid);
      } catch {
        // exiting
      }
    }, 200);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.once('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`wrk exited with ${code}`));
      else resolve({ stdout, cpuSeconds: cpu });
    });
  });
}
