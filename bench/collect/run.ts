/**
 * The collector benchmark (see bench/README.md):
 *
 *   node --import tsx bench/collect/run.ts [--duration 30] [--connections 50] [--warmup 3] [--write-mode] [--rounds 1]
 *
 * One after the other, each with a server of its own: the do-nothing baseline, `./pdi collect` (fsync) under
 * `/collect` load, a fresh one under `/batch` load (20 hits a request) and, with --write-mode, one with
 * `--durability write` under `/collect` load. Each collector is stopped with SIGTERM and its lake checked
 * against the 2xx answers. Prints a table and the targets; with --rounds N, runs the scenarios N times in turn
 * and summarizes each target over the rounds. Writes bench/results/collect-<timestamp>.json.
 * Exits 1 when a collector loses, duplicates or invents hits or fails to stop cleanly; missed performance
 * targets are reported, not fatal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { checkLake } from './lake.ts';
import type { LoadResult } from './load.ts';
import { describeMachine } from './machine.ts';
import { sampleRss } from './proc.ts';
import { scrapeCounter } from './prometheus.ts';
import {
  BASELINE,
  BATCH,
  COLLECT,
  evaluateTargets,
  formatMachine,
  formatRounds,
  formatTable,
  formatTargets,
  integrityOk,
  notes,
  type Scenario,
  type ScenarioFailure,
  type ScenarioResult,
  type Target,
} from './report.ts';
import { type ServerProcess, startServer } from './server-process.ts';
import { runWrk } from './wrk.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const HERE = import.meta.dirname;

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '3' },
    /** Run every scenario this many times in turn, and summarize the targets over the rounds. */
    rounds: { type: 'string', default: '1' },
    'write-mode': { type: 'boolean', default: false },
    'buffer-bytes': { type: 'string' },
    'buffer-seconds': { type: 'string' },
    'keep-homes': { type: 'boolean', default: false },
    /** wrk (not the limit: a C program, two threads) or autocannon (checks the lake hit by hit). */
    generator: { type: 'string', default: 'wrk' },
    /** The collector's command (default ./pdi): to compare against another build. */
    pdi: { type: 'string', default: path.join(ROOT, 'pdi') },
  },
});
if (flags.generator !== 'wrk' && flags.generator !== 'autocannon') {
  throw new Error(`--generator is wrk or autocannon, not ${flags.generator}`);
}
if (flags.generator === 'wrk') {
  // Debian's wrk, installed when missing as the test command installs Chromium
  const ensured = spawnSync(
    path.join(ROOT, 'scripts', 'ensure-debian-package'),
    ['/usr/bin/wrk', 'wrk', "the collector benchmark's load generator", 'run with --generator autocannon'],
    { stdio: 'inherit' },
  );
  if (ensured.status !== 0) process.exit(2);
}
const options = {
  durationSeconds: positive('duration'),
  connections: positive('connections'),
  rounds: positive('rounds'),
  warmupSeconds: Number(flags.warmup),
};

const SCENARIOS: Scenario[] = [
  { name: BASELINE, server: 'baseline', route: '/collect', hitsPerRequest: 1 },
  { name: COLLECT, server: 'collector', durability: 'fsync', route: '/collect', hitsPerRequest: 1 },
  { name: BATCH, server: 'collector', durability: 'fsync', route: '/batch', hitsPerRequest: 20 },
];
if (flags['write-mode']) {
  SCENARIOS.push({
    name: 'collector /collect (write)',
    server: 'collector',
    durability: 'write',
    route: '/collect',
    hitsPerRequest: 1,
  });
}

async function main(): Promise<void> {
  const machine = describeMachine();
  console.log(`collector benchmark: ${formatMachine(machine)}`);
  const { connections, durationSeconds, warmupSeconds } = options;
  console.log(
    `${connections} connections, ${durationSeconds} s per scenario after ${warmupSeconds} s of warm-up\n`,
  );

  const rounds: { results: ScenarioResult[]; failures: ScenarioFailure[]; targets: Target[] }[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    if (options.rounds > 1) console.log(`round ${round} of ${options.rounds}`);
    const results: ScenarioResult[] = [];
    const failures: ScenarioFailure[] = [];
    for (const scenario of SCENARIOS) {
      try {
        results.push(await runScenario(scenario));
      } catch (error) {
        console.error(`${scenario.name}: failed: ${String(error)}`);
        failures.push({ scenario, error: String(error) });
      }
    }
    const targets = evaluateTargets(results, failures);
    console.log(`\n${formatTable(results)}\n\ntargets\n${formatTargets(targets)}`);
    const remarks = notes(results, failures);
    if (remarks.length > 0) console.log(`\nnotes\n${remarks.map((line) => `- ${line}`).join('\n')}`);
    console.log('');
    rounds.push({ results, failures, targets });
  }
  if (rounds.length > 1) {
    console.log(`over ${rounds.length} rounds\n${formatRounds(rounds.map((r) => r.targets))}\n`);
  }

  const file = path.join(ROOT, 'bench', 'results', `collect-${machine.date.replace(/[:.]/g, '-')}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  const json = {
    machine,
    options,
    rounds: rounds.map((r) => ({ ...r, results: r.results.map(forFile) })),
  };
  await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`results: ${path.relative(ROOT, file)}`);
  const broken = rounds.some((r) => r.failures.length > 0 || !r.results.every(integrityOk));
  if (broken) process.exitCode = 1;
}

async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const home = scenario.server === 'collector' ? await mkdtemp(path.join(os.tmpdir(), 'pdi-bench-')) : null;
  try {
    const server = home
      ? await startServer(flags.pdi, collectorArgs(home, scenario.durability ?? 'fsync'), ROOT)
      : await startServer(process.execPath, ['--import', 'tsx', path.join(HERE, 'baseline-server.ts')], ROOT);
    console.log(
      `${scenario.name}: ${server.url} (pid ${server.pid}, ${server.pidNote})${home ? `, home ${home}` : ''}`,
    );

    // Stop the server whatever happened: never leave one behind.
    const measured = await measure(scenario, server, home !== null).catch((error: unknown) => error as Error);
    const stop = await server.stop();
    console.log(`  ${scenario.name}: stopped with ${stop.code ?? stop.signal} after ${stop.ms} ms`);
    if (measured instanceof Error) throw measured;

    const lake = home
      ? await checkLake(home, measured.warmup ? [measured.warmup, measured.load] : [measured.load])
      : null;
    return { ...measured, stop, lake, stderr: server.stderr() };
  } finally {
    if (home && !flags['keep-homes']) await rm(home, { recursive: true, force: true });
  }
}

/** Warm-up, then the measured load, with the server's memory sampled all along. */
async function measure(scenario: Scenario, server: ServerProcess, isCollector: boolean) {
  const rss = sampleRss(server.pid);
  const target = `${server.url}${scenario.route}`;
  const run = (seconds: number, firstId: number) =>
    load(target, server.pid, seconds, scenario.hitsPerRequest, firstId);
  const warmup = options.warmupSeconds > 0 ? await run(options.warmupSeconds, 0) : null;
  const main = await run(options.durationSeconds, warmup?.hitIds.next ?? 0);
  await sleep(500); // requests still in flight on the server when the load generator hung up
  const acceptedByServer = isCollector
    ? await scrapeCounter(`${server.url}/metrics`, 'pdi_hits_accepted_total')
    : null;
  const { url, pid, pidNote } = server;
  return { scenario, url, pid, pidNote, warmup, load: main, rss: rss.stop(), acceptedByServer };
}

function collectorArgs(home: string, durability: 'fsync' | 'write'): string[] {
  const args = ['collect', '--home', home, '--host', '127.0.0.1', '--port', '0', '--durability', durability];
  if (flags['buffer-bytes']) args.push('--buffer-bytes', flags['buffer-bytes']);
  if (flags['buffer-seconds']) args.push('--buffer-seconds', flags['buffer-seconds']);
  return [...args, '--log-level', 'warn'];
}

/** One run of the load generator, in a process of its own. */
function load(url: string, serverPid: number, seconds: number, hitsPerRequest: number, firstId: number) {
  if (flags.generator === 'wrk') {
    const { connections } = options;
    return runWrk({ url, connections, durationSeconds: seconds, hitsPerRequest, firstId, serverPid });
  }
  const args = [
    '--import',
    'tsx',
    path.join(HERE, 'load.ts'),
    '--url',
    url,
    '--server-pid',
    String(serverPid),
  ];
  args.push('--connections', String(options.connections), '--duration', String(seconds));
  args.push('--hits-per-request', String(hitsPerRequest), '--first-id', String(firstId));
  return new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(stdout) as LoadResult);
    });
  });
}

/** The results file keeps counts, not the lists of hit ids. */
function forFile(result: ScenarioResult) {
  const slim = (load: LoadResult | null) =>
    load && {
      ...load,
      hitIds: { ...load.hitIds, unacked: undefined, unackedCount: load.hitIds.unacked?.length ?? null },
    };
  return {
    ...result,
    warmup: slim(result.warmup),
    load: slim(result.load),
    stderr: result.stderr.slice(0, 10_000),
  };
}

function positive(name: 'duration' | 'connections' | 'rounds'): number {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

await main();
