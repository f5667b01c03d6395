/**
 * The pipe's load throughput against DuckDB reading the same lake objects with a bare read_json into a
 * table, in the same run, alternating: `node --import tsx bench/warehouse/load.ts [--sessions N] [--rounds N]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateDataset } from '../../src/dataset/generator.ts';
import { locateDataset } from '../../src/dataset/reader.ts';
import { loadNewObjects } from '../../src/pipe/index.ts';
import { backfill } from '../../src/replay/backfill.ts';
import { Warehouse } from '../../src/warehouse/index.ts';

const { values } = parseArgs({
  options: { sessions: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } },
});
const sessions = Number(values.sessions);
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be a whole number of 1 or more: ${values.rounds}`);
const work = await mkdtemp(path.join(os.tmpdir(), 'pdi-bench-warehouse-'));
try {
  const datasetDir = path.join(work, 'dataset');
  const lakeDir = path.join(work, 'lake');
  await generateDataset({ outDir: datasetDir, sessions, seed: 1 });
  const filled = await backfill({
    dataset: await locateDataset(datasetDir),
    lakeDir,
    shift: 'none',
    limit: null,
  });
  console.log(
    `lake: ${filled.rows} records in ${filled.objects} objects (${(filled.compressedBytes / 1e6).toFixed(0)} MB gzip)`,
  );

  // Alternating rounds, each on fresh databases: this machine's speed drifts within minutes, so one run of
  // each says little; the ratio of the medians is what counts.
  const bare: Run[] = [];
  const pipe: Run[] = [];
  for (let round = 1; round <= rounds; round++) {
    const baseline = await measure(() => bareRead(path.join(work, `bare-${round}.duckdb`), lakeDir));
    const loaded = await measure(() => pipeLoad(path.join(work, `pipe-${round}.duckdb`), lakeDir));
    if (loaded.rows !== filled.rows) throw new Error(`the pipe loaded ${loaded.rows} of ${filled.rows} rows`);
    bare.push(baseline);
    pipe.push(loaded);
    console.log(
      `round ${round}: bare read_json ${seconds(baseline)} s, pipe ${seconds(loaded)} s, ratio ${(baseline.seconds / loaded.seconds).toFixed(2)}x`,
    );
  }

  const rate = (run: Run) => Math.round(filled.rows / run.seconds);
  const cpuPerMillion = (run: Run) => ((run.cpuSeconds / filled.rows) * 1e6).toFixed(1);
  const bareMedian = median(bare);
  const pipeMedian = median(pipe);
  console.log(
    `machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, node ${process.version}`,
  );
  console.log(
    `bare read_json (median of ${rounds}): ${seconds(bareMedian)} s, ${rate(bareMedian)} records/s, ${cpuPerMillion(bareMedian)} CPU s per 1M rows`,
  );
  console.log(
    `pipe (./pdi load, median of ${rounds}): ${seconds(pipeMedian)} s, ${rate(pipeMedian)} records/s, ${cpuPerMillion(pipeMedian)} CPU s per 1M rows`,
  );
  console.log(`ratio: ${(bareMedian.seconds / pipeMedian.seconds).toFixed(2)}x (target >= 0.8x)`);
  console.log(`peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  await rm(work, { recursive: true, force: true });
}

interface Run {
  seconds: number;
  /** CPU time of this process (DuckDB's threads included). */
  cpuSeconds: number;
  rows: number;
}

async function measure(run: () => Promise<number>): Promise<Run> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const rows = await run();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, rows };
}

/** The baseline: DuckDB alone, every object with one read_json, into a table. */
async function bareRead(file: string, lakeDir: string): Promise<number> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    await connection.run(
      `create table logs as select * from read_json('${lakeDir}/stream_data/*/*/*/*/*.gz', format = 'newline_delimited')`,
    );
    return Number((await connection.runAndReadAll('select count(*) from logs')).getRows()[0]?.[0]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The pipe: exactly-once loads with history, errors, LOG_IDs and the user-agent lookup. */
async function pipeLoad(file: string, lakeDir: string): Promise<number> {
  const warehouse = await Warehouse.open(file, { create: true });
  try {
    return (await loadNewObjects(warehouse, lakeDir)).rows;
  } finally {
    await warehouse.close();
  }
}

function median(runs: Run[]): Run {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)] as Run;
}

function seconds(run: Run): string {
  return run.seconds.toFixed(1);
}
