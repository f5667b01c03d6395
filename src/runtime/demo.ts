import { access } from 'node:fs/promises';
import path from 'node:path';
import type { CollectorConfig } from '../config/collector-config.ts';
import { generateDataset } from '../dataset/generator.ts';
import { locateDataset } from '../dataset/reader.ts';
import { Pumper, type PumpSummary } from '../replay/pumper.ts';
import type { Logger } from './log.ts';
import { type RunningStack, startStack } from './stack.ts';

export interface DemoOptions {
  config: CollectorConfig;
  /** A dataset folder in the Coveo layout; generated under HOME/demo-dataset when not given. */
  datasetDir: string | null;
  sessions: number;
  /** Hits per second the pumper sends. */
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
    await generateDataset({ outDir: datasetDir, sessions: options.sessions, seed: DEMO_SEED });
  }
  const dataset = await locateDataset(datasetDir);

  const stack = await startStack({
    config,
    log: options.log,
    loadEverySeconds: 2,
    transformEverySeconds: options.transformEverySeconds,
  });
  const abort = new AbortController();
  const pumper = new Pumper({
    dataset,
    url: stack.url,
    concurrency: 8,
    rate: options.rate,
    batch: false,
    clock: 'now',
    speed: 1,
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
