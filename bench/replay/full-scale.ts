/**
 * A dataset backfilled end to end, through ./pdi as a user would: CSV -> lake objects (backfill) -> RAW.LOGS
 * (load) -> every dbt model (dbt run --full-refresh). Prints wall time and peak memory (the process tree's
 * resident memory) per stage, and the total of the three. By default the full scale of the Coveo dataset
 * (4.9M sessions, about 36M rows), generated first (not counted: a user has the files).
 *
 *   node --import tsx bench/replay/full-scale.ts [--sessions 4934699] [--keep DIR] [--dataset DIR]
 *
 * `--dataset DIR` backfills that dataset folder (the real files, or one generated earlier) instead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { homeLayout } from '../../src/config/home.ts';
import { FULL_SCALE } from '../../src/dataset/generator.ts';
import { dbtStep, machine, pdiStep, printSteps, rowsIn, type Step } from '../support/steps.ts';

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
    await dbtStep(
      'dbt run --full-refresh (all models)',
      ['run', '--full-refresh'],
      homeLayout(home).warehousePath,
    ),
  ];
  printSteps(generate ? [generate, ...stages] : stages);
  const seconds = stages.reduce((total, stage) => total + stage.seconds, 0);
  const peak = Math.max(...stages.map((stage) => stage.peakMb));
  console.log('');
  console.log(`rows: ${rowsIn(stages[1] as Step)} loaded`);
  console.log(
    `end to end (backfill + load + dbt): ${(seconds / 60).toFixed(1)} min (target < 20 min), ` +
      `peak ${(peak / 1024).toFixed(2)} GB (target < 4 GB)`,
  );
} finally {
  if (!values.keep) await rm(work, { recursive: true, force: true });
}
