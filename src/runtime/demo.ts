import { access } from 'node:fs/promises';
import path from 'node:path';
import type { CollectorConfig } from '../config/collector-config.ts';
import { generateDataset } from '../dataset/generator.ts';
import { type DatasetFiles, locateDataset } from '../dataset/reader.ts';
import { sliceDataset } from '../dataset/slice.ts';
import { loadNewObjects } from '../pipe/index.ts';
import { backfill } from '../replay/backfill.ts';
import { datasetTimeRange } from '../replay/pump-plan.ts';
import { Pumper, type PumpSummary } from '../replay/pumper.ts';
import { dbtBuildArgs, runDbt } from '../warehouse/dbt/index.ts';
import { Warehouse } from '../warehouse/index.ts';
import type { Logger } from './log.ts';
import { type RunningStack, startStack } from './stack.ts';

export interface DemoOptions {
  config: CollectorConfig;
  /** A dataset folder in the Coveo layout; generated under HOME/demo-dataset when not given. */
  datasetDir: string | null;
  sessions: number;
  /** Days of the dataset backfilled first, ending now; 0: none, the whole dataset is pumped. */
  historyDays: number;
  /** With history: the dataset's last day is pumped at its own rhythm, this many times faster. */
  speed: number;
  /** Hits per second the pumper sends, at most. */
  rate: number;
  transformEverySeconds: number;
  log: Logger;
  say: (line: string) => void;
}

export interface RunningDemo {
  stack: RunningStack;
  /** Resolves when the pumper has sent the whole dataset (or was stopped). */
  pumped: Promise<PumpSummary>;
  stop(): Promise<PumpSummary>;
}

const DEMO_SEED = 20210401;

/** The embedded stack (collector, pipe, dbt, dashboard) with traffic: a dataset, generated when missing, pumped in. */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const { config, say } = options;
  const datasetDir = options.datasetDir ?? path.join(config.home, 'demo-dataset');
  const hasDataset = await access(path.join(datasetDir, 'browsing_train.csv')).then(
    () => true,
    () => false,
  );
  if (!hasDataset) {
    if (options.datasetDir)
      throw new Error(`no dataset in ${datasetDir}: it needs browsing_train.csv and sku_to_content.csv`);
    say(`generating a demo dataset of ${options.sessions} sessions in ${datasetDir}`);
    await generateDataset({
      outDir: datasetDir,
      sessions: options.sessions,
      seed: DEMO_SEED,
      ...(options.historyDays > 0 ? { days: options.historyDays + 1 } : {}),
    });
  }
  const dataset = await locateDataset(datasetDir);
  const live = options.historyDays > 0 ? await backfillHistory(dataset, options) : dataset;

  const stack = await startStack({
    config,
    log: options.log,
    loadEverySeconds: 2,
    transformEverySeconds: options.transformEverySeconds,
  });
  const abort = new AbortController();
  const pumper = new Pumper({
    dataset: live,
    url: stack.url,
    concurrency: 8,
    rate: options.rate,
    batch: false,
    clock: 'now',
    speed: options.speed,
    rhythm: live !== dataset,
    limit: null,
    signal: abort.signal,
  });
  const pumped = pumper.run();
  pumped.catch((error: unknown) => options.log.error({ err: error }, 'the pumper stopped'));

  return {
    stack,
    pumped,
    async stop() {
      abort.abort();
      const summary = await pumped;
      await stack.stop();
      return summary;
    },
  };
}

const DAY_MS = 86_400_000;

/**
 * The demo's history: the dataset's days before its last one, backfilled so that they end now, loaded and
 * built by dbt before the stack starts, so that the first screen shows days and hours. Gives the last day, to
 * be pumped live on top.
 */
async function backfillHistory(dataset: DatasetFiles, options: DemoOptions): Promise<DatasetFiles> {
  const { config, say } = options;
  const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
  const { firstMs, lastMs } = await datasetTimeRange(dataset.browsing, null);
  const cutMs = Math.max(firstMs, lastMs + 1 - DAY_MS);
  const [history, live] = (await sliceDataset(dataset, [
    {
      dir: path.join(config.home, 'demo-history'),
      fromMs: cutMs - options.historyDays * DAY_MS,
      toMs: cutMs,
    },
    { dir: path.join(config.home, 'demo-live'), fromMs: cutMs, toMs: lastMs + 1 },
  ])) as [DatasetFiles, DatasetFiles];

  let started = Date.now();
  // the instant the history's last hit is moved to, printed to the millisecond: which of its hits fall on
  // which day (today's counters) can then be told exactly
  const endsAtMs = started;
  say(
    `history: backfilling ${options.historyDays} days of the dataset, ending now (${new Date(endsAtMs).toISOString()})…`,
  );
  const backfilled = await backfill({
    dataset: history,
    lakeDir: config.lakeDir,
    shift: 'now',
    nowMs: endsAtMs,
    limit: null,
  });
  say(
    `history: ${backfilled.rows} hits in ${backfilled.objects} lake objects (${seconds(started)} s); loading them…`,
  );
  started = Date.now();
  const warehouse = await Warehouse.open(config.warehousePath, { create: true });
  try {
    const loaded = await loadNewObjects(warehouse, config.lakeDir);
    say(
      `history: ${loaded.rows} rows loaded (${seconds(started)} s); building the models (the first dbt run)…`,
    );
  } finally {
    await warehouse.close();
  }
  started = Date.now();
  const built = await runDbt(dbtBuildArgs(), { warehousePath: config.warehousePath });
  if (built.code !== 0) throw new Error(`the first dbt run failed:\n${built.output.slice(-4000)}`);
  say(
    `history: built (${seconds(started)} s); now the last day of the dataset, live, ${options.speed}x its pace`,
  );
  return live;
}
