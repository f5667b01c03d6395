/**
 * The warehouse at scale, driven through ./pdi as a user would: generate a dataset of about N events,
 * backfill it into a fresh home's lake, hold back its newest ~1%, load the rest, `./pdi transform
 * --full-refresh` (dbt build: models and data tests), then load the held-back objects and `./pdi transform`
 * again (incremental). Prints wall time and peak memory (the process tree's resident memory) of each step,
 * the data tests' share of each build, and the incremental build's share of the full one.
 *
 * With `--targets duckdb,snowflake`, the same lake goes through both warehouses one after the other, Snowflake
 * being the stand-in of the tests (test/support/fakesnow.ts: a local server on DuckDB, which measures our SQL
 * and the round trips, not Snowflake's own speed).
 *
 *   node --import tsx bench/warehouse/dbt.ts --events 1000000 [--new-share 0.01] [--targets duckdb,snowflake]
 *     [--dataset DIR] [--keep DIR]
 */
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { homeLayout } from '../../src/config/home.ts';
import { type Fakesnow, startFakesnow } from '../../test/support/fakesnow.ts';
import {
  describeTests,
  lastDbtTimings,
  machine,
  pdiStep,
  printSteps,
  rowsIn,
  type Step,
} from '../support/steps.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    'new-share': { type: 'string', default: '0.01' },
    dataset: { type: 'string' },
    keep: { type: 'string' },
    targets: { type: 'string', default: 'duckdb' },
  },
});
const targets = (values.targets as string).split(',');
for (const target of targets) {
  if (target !== 'duckdb' && target !== 'snowflake') throw new Error(`--targets: unknown target ${target}`);
}
const events = Number(values.events);
const newShare = Number(values['new-share']);
/** Browsing rows per session in the Coveo data (36M rows, 4.9M sessions); about one event per row. */
const ROWS_PER_SESSION = 7.3;
const work = values.keep ?? (await mkdtemp(path.join(os.tmpdir(), 'pdi-bench-dbt-')));
const home = path.join(work, 'home');
const layout = homeLayout(home);
const datasetDir = values.dataset ?? path.join(work, 'dataset');
const heldBackDir = path.join(work, 'held-back');

const steps: Step[] = [];

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

try {
  console.log(`machine: ${machine()}`);
  const sessions = Math.round(events / ROWS_PER_SESSION);
  if (!values.dataset) {
    steps.push(
      await pdiStep('generate', [
        'generate',
        '--out',
        datasetDir,
        '--sessions',
        String(sessions),
        '--seed',
        '1',
      ]),
    );
  }
  steps.push(
    await pdiStep('backfill', ['backfill', '--home', home, '--dataset', datasetDir, '--shift', 'none']),
  );

  // the newest objects (by hour) stand for the traffic that arrives after the full refresh
  const objects = await lakeObjects(layout.lakeDir);
  const total = objects.reduce((sum, o) => sum + o.bytes, 0);
  const heldBack: string[] = [];
  for (let i = objects.length - 1, bytes = 0; i >= 0 && bytes < total * newShare; i--) {
    heldBack.push((objects[i] as { key: string }).key);
    bytes += (objects[i] as { bytes: number }).bytes;
  }
  await moveObjects(heldBack, layout.lakeDir, heldBackDir);

  let fakesnow: Fakesnow | undefined;
  const summaries: string[] = [];
  for (const target of targets) {
    fakesnow = target === 'snowflake' ? await startFakesnow('PDI_BENCH') : undefined;
    const env = fakesnow?.env;
    const on = (name: string) => (targets.length > 1 ? `${name} (${target})` : name);
    const targetArgs = ['--home', home, '--target', target];
    const firstLoad = await pdiStep(on('load (history)'), ['load', ...targetArgs], env);
    steps.push(firstLoad);
    const full = await pdiStep(
      on('./pdi transform --full-refresh'),
      ['transform', ...targetArgs, '--full-refresh'],
      env,
    );
    steps.push(full);
    const fullTimings = await lastDbtTimings();
    await moveObjects(heldBack, heldBackDir, layout.lakeDir);
    const newLoad = await pdiStep(on('load (new objects)'), ['load', ...targetArgs], env);
    steps.push(newLoad);
    const incremental = await pdiStep(on('./pdi transform (incremental)'), ['transform', ...targetArgs], env);
    steps.push(incremental);
    const incrementalTimings = await lastDbtTimings();
    // the next target starts from the same lake
    await moveObjects(heldBack, layout.lakeDir, heldBackDir);
    await fakesnow?.stop();

    const oldRows = rowsIn(firstLoad);
    const newRows = rowsIn(newLoad);
    summaries.push(
      `${target}: events: ${oldRows} loaded first, then ${newRows} new (${((100 * newRows) / (oldRows + newRows)).toFixed(2)}%)`,
      `${target}: full build ${full.seconds.toFixed(1)} s, incremental ${incremental.seconds.toFixed(1)} s: ` +
        `${((100 * incremental.seconds) / full.seconds).toFixed(1)}% (target <= 10%)`,
      describeTests(`${target}: full build`, fullTimings),
      describeTests(`${target}: incremental build`, incrementalTimings),
    );
  }
  printSteps(steps);
  console.log('');
  for (const line of summaries) console.log(line);
} finally {
  if (!values.keep) await rm(work, { recursive: true, force: true });
}
