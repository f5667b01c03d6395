/**
 * A dataset backfilled end to end, through ./pdi as a user would: CSV -> lake objects (backfill) -> RAW.LOGS
 * (load) -> `./pdi transform --full-refresh` (dbt build: every model and data test). In the same run, the
 * yardstick: DuckDB alone computing the same daily figures straight from the CSV (`baseline.ts`). Prints wall
 * time, CPU time (and CPU seconds per million rows) and peak memory (the process tree's resident memory) per
 * stage, the data tests' share of the build, the total of the three stages and its ratio to the yardstick.
 * By default the full scale of the Coveo dataset (4.9M sessions, about 38M rows), generated first (not
 * counted: a user has the files).
 *
 *   node --import tsx bench/replay/full-scale.ts [--sessions 4934699] [--keep DIR] [--dataset DIR]
 *
 * `--dataset DIR` backfills that dataset folder (the real files, or one generated earlier) instead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FULL_SCALE } from '../../src/dataset/generator.ts';
import {
  commandStep,
  describeTests,
  lastDbtTimings,
  machine,
  pdiStep,
  printSteps,
  ROOT,
  rowsIn,
  type Step,
} from '../support/steps.ts';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: String(FULL_SCALE.sessions) },
    keep: { type: 'string' },
    dataset: { type: 'string' },
  },
});
const work = values.keep ?? (await mkdtemp(path.join(os.tmpdir(), 'pdi-bench-full-scale-')));
const home = path.join(work, 'home');
const datasetDir = values.dataset ?? path.join(work, 'dataset');

try {
  console.log(`machine: ${machine()}`);
  const generate = values.dataset
    ? null
    : await pdiStep('generate', [
        'generate',
        '--out',
        datasetDir,
        '--sessions',
        String(values.sessions),
        '--seed',
        '1',
      ]);
  const baseline = await commandStep('baseline: DuckDB alone, daily figures from the CSV', process.execPath, [
    '--import',
    'tsx',
    path.join(ROOT, 'bench', 'replay', 'baseline.ts'),
    '--dataset',
    datasetDir,
  ]);
  const stages: Step[] = [
    await pdiStep('backfill (CSV -> lake)', [
      'backfill',
      '--home',
      home,
      '--dataset',
      datasetDir,
      '--shift',
      'none',
    ]),
    await pdiStep('load (lake -> RAW.LOGS)', ['load', '--home', home]),
    await pdiStep('./pdi transform --full-refresh (models and tests)', [
      'transform',
      '--home',
      home,
      '--full-refresh',
    ]),
  ];
  const timings = await lastDbtTimings();
  const rows = rowsIn(stages[1] as Step);
  printSteps([...(generate ? [generate] : []), baseline, ...stages], rows);
  const seconds = stages.reduce((total, stage) => total + stage.seconds, 0);
  const peak = Math.max(...stages.map((stage) => stage.peakMb));
  console.log('');
  console.log(`rows: ${rows} loaded`);
  console.log(`baseline: ${baseline.output.trim().split('\n').at(-1)}`);
  console.log(describeTests('transform', timings));
  console.log(
    `end to end (backfill + load + transform): ${(seconds / 60).toFixed(1)} min, ` +
      `${(seconds / baseline.seconds).toFixed(1)}x the baseline's ${baseline.seconds.toFixed(1)} s (target <= 10x), ` +
      `peak ${(peak / 1024).toFixed(2)} GB (target < 4 GB)`,
  );
} finally {
  if (!values.keep) await rm(work, { recursive: true, force: true });
}
