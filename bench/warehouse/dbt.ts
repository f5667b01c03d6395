/**
 * The warehouse at scale, driven through ./pdi as a user would: generate a dataset of about N events,
 * backfill it into a fresh home's lake, hold back its newest ~1%, load the rest, `dbt run --full-refresh`,
 * then load the held-back objects and `dbt run` again (incremental). Prints wall time and peak memory (the
 * process tree's resident memory) of each step, and the incremental run's share of the full refresh.
 *
 *   node --import tsx bench/warehouse/dbt.ts --events 1000000 [--new-share 0.01] [--keep DIR]
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { homeLayout } from '../../src/config/home.ts';
import { runDbt } from '../../src/warehouse/dbt/index.ts';
import { watchTreeMemory } from '../support/process-memory.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    'new-share': { type: 'string', default: '0.01' },
    keep: { type: 'string' },
  },
});
const events = Number(values.events);
const newShare = Number(values['new-share']);
/** Browsing rows per session in the Coveo data (36M rows, 4.9M sessions); about one event per row. */
const ROWS_PER_SESSION = 7.3;
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PDI = path.join(ROOT, 'pdi');

const work = values.keep ?? (await mkdtemp(path.join(os.tmpdir(), 'pdi-bench-dbt-')));
const home = path.join(work, 'home');
const layout = homeLayout(home);
const datasetDir = path.join(work, 'dataset');
const heldBackDir = path.join(work, 'held-back');

interface Step {
  name: string;
  seconds: number;
  peakMb: number;
  output: string;
}
const steps: Step[] = [];

/** Runs `./pdi args…`, timing it and watching its memory; fails the benchmark when it fails. */
function pdi(name: string, args: string[]): Promise<Step> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(PDI, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const memory = watchTreeMemory(child.pid as number);
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('close', async (code) => {
      const step = {
        name,
        seconds: (performance.now() - started) / 1000,
        peakMb: (await memory.stop()) / 2 ** 20,
        output,
      };
      if (code !== 0) return reject(new Error(`./pdi ${args.join(' ')} failed (${code}):\n${output}`));
      steps.push(step);
      console.log(`${name}: ${step.seconds.toFixed(1)} s, peak ${step.peakMb.toFixed(0)} MB`);
      resolve(step);
    });
  });
}

async function dbtRun(name: string, args: string[]): Promise<Step> {
  const started = performance.now();
  let memory: ReturnType<typeof watchTreeMemory> | undefined;
  const result = await runDbt(['run', ...args], {
    warehousePath: layout.warehousePath,
    onSpawn: (pid) => {
      memory = watchTreeMemory(pid);
    },
  });
  const step = {
    name,
    seconds: (performance.now() - started) / 1000,
    peakMb: ((await memory?.stop()) ?? 0) / 2 ** 20,
    output: result.output,
  };
  if (result.code !== 0) throw new Error(`dbt run ${args.join(' ')} failed:\n${result.output}`);
  steps.push(step);
  console.log(`${name}: ${step.seconds.toFixed(1)} s, peak ${step.peakMb.toFixed(0)} MB`);
  return step;
}

/** Every lake object under stream_data/, with its size, oldest hour first. */
async function lakeObjects(dir: string): Promise<{ key: string; bytes: number }[]> {
  const entries = await readdir(path.join(dir, 'stream_data'), { recursive: true });
  const keys = entries.filter((e) => e.endsWith('.gz')).sort();
  return Promise.all(
    keys.map(async (key) => ({ key, bytes: (await stat(path.join(dir, 'stream_data', key))).size })),
  );
}

async function moveObjects(keys: string[], from: string, to: string): Promise<void> {
  for (const key of keys) {
    await mkdir(path.dirname(path.join(to, 'stream_data', key)), { recursive: true });
    await rename(path.join(from, 'stream_data', key), path.join(to, 'stream_data', key));
  }
}

const rowsLoaded = (step: Step) =>
  Number(/(\d[\d,]*) rows/.exec(step.output)?.[1]?.replaceAll(',', '') ?? NaN);

try {
  console.log(
    `machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, node ${process.version}`,
  );
  const sessions = Math.round(events / ROWS_PER_SESSION);
  await pdi('generate', ['generate', '--out', datasetDir, '--sessions', String(sessions), '--seed', '1']);
  await pdi('backfill', ['backfill', '--home', home, '--dataset', datasetDir, '--shift', 'none']);

  // the newest objects (by hour) stand for the traffic that arrives after the full refresh
  const objects = await lakeObjects(layout.lakeDir);
  const total = objects.reduce((sum, o) => sum + o.bytes, 0);
  const heldBack: string[] = [];
  for (let i = objects.length - 1, bytes = 0; i >= 0 && bytes < total * newShare; i--) {
    heldBack.push((objects[i] as { key: string }).key);
    bytes += (objects[i] as { bytes: number }).bytes;
  }
  await moveObjects(heldBack, layout.lakeDir, heldBackDir);

  const firstLoad = await pdi('load (history)', ['load', '--home', home]);
  const full = await dbtRun('dbt run --full-refresh', ['--full-refresh']);
  await moveObjects(heldBack, heldBackDir, layout.lakeDir);
  const newLoad = await pdi('load (new objects)', ['load', '--home', home]);
  const incremental = await dbtRun('dbt run (incremental)', []);

  const oldRows = rowsLoaded(firstLoad);
  const newRows = rowsLoaded(newLoad);
  console.log('');
  console.log(`| step | wall time (s) | peak memory (MB) |`);
  console.log(`| --- | ---: | ---: |`);
  for (const step of steps)
    console.log(`| ${step.name} | ${step.seconds.toFixed(1)} | ${step.peakMb.toFixed(0)} |`);
  console.log('');
  console.log(
    `events: ${oldRows} loaded first, then ${newRows} new (${((100 * newRows) / (oldRows + newRows)).toFixed(2)}%)`,
  );
  console.log(
    `incremental / full refresh: ${((100 * incremental.seconds) / full.seconds).toFixed(1)}% (target <= 10%)`,
  );
} finally {
  if (!values.keep) await rm(work, { recursive: true, force: true });
}
