/**
 * The pipe's load throughput against DuckDB reading the same lake objects with a bare read_json into a
 * table, in the same run: `node --import tsx bench/warehouse/load.ts [--sessions N]`.
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

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '100000' } } });
const sessions = Number(values.sessions);
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

  // baseline: DuckDB alone, every object with one read_json, into a table
  const bare = await DuckDBInstance.create(path.join(work, 'bare.duckdb'));
  const connection = await bare.connect();
  let started = performance.now();
  await connection.run(
    `create table logs as select * from read_json('${lakeDir}/stream_data/*/*/*/*/*.gz', format = 'newline_delimited')`,
  );
  const bareSeconds = (performance.now() - started) / 1000;
  connection.closeSync();
  bare.closeSync();

  // the pipe: exactly-once loads with history, errors, LOG_IDs and the user-agent lookup
  const warehouse = await Warehouse.open(path.join(work, 'pipe.duckdb'), { create: true });
  started = performance.now();
  const summary = await loadNewObjects(warehouse, lakeDir);
  const pipeSeconds = (performance.now() - started) / 1000;
  await warehouse.close();

  const rate = (seconds: number) => Math.round(filled.rows / seconds);
  console.log(
    `machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, node ${process.version}`,
  );
  console.log(`bare read_json: ${bareSeconds.toFixed(1)} s, ${rate(bareSeconds)} records/s`);
  console.log(
    `pipe (./pdi load): ${pipeSeconds.toFixed(1)} s, ${rate(pipeSeconds)} records/s (${summary.rows} rows)`,
  );
  console.log(`ratio: ${(bareSeconds / pipeSeconds).toFixed(2)}x (target >= 0.8x)`);
  console.log(`peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  await rm(work, { recursive: true, force: true });
}
