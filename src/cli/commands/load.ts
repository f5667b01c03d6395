import { access } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { type HomeLayout, homeLayout } from '../../config/home.ts';
import type { LoadSummary } from '../../pipe/pipe.ts';
import {
  homeOption,
  lakeOption,
  maxTempSizeOption,
  memoryLimitOption,
  resolveLake,
  resolveTarget,
  targetOption,
  UsageError,
} from '../options.ts';
import { positiveNumber } from '../parse.ts';
import { progressBar } from '../progress.ts';
import { untilSignal } from '../signals.ts';

export function loadCommand(): Command {
  return new Command('load')
    .description('load every new lake object into RAW.LOGS (exactly once), then exit, or keep watching')
    .addOption(homeOption())
    .addOption(targetOption())
    .addOption(lakeOption())
    .addOption(memoryLimitOption())
    .addOption(maxTempSizeOption())
    .option('--watch', 'keep watching the lake for new objects', false)
    .addOption(
      new Option('--interval <seconds>', 'with --watch: seconds between scans')
        .default(2)
        .argParser(positiveNumber),
    )
    .action(
      async (flags: { home: string; target?: string; lake?: string; watch: boolean; interval: number }) => {
        const layout = homeLayout(flags.home);
        const target = resolveTarget(flags.target);
        const lake = resolveLake(flags.lake, layout.lakeDir);
        const remote = lake.startsWith('s3://');
        if (remote && target === 'snowflake') {
          throw new UsageError(
            'an S3 lake reaches Snowflake through its Snowpipe, not through ./pdi load: use --target duckdb, or a local lake',
          );
        }
        if (!remote) {
          await access(lake).catch(() => {
            throw new Error(`no lake at ${lake}: collect or backfill some hits first`);
          });
        }
        const stop = flags.watch ? untilSignal() : null;
        const pipe = target === 'snowflake' ? await snowflakePipe(lake) : await duckdbPipe(layout, lake);
        try {
          do {
            let bar: ReturnType<typeof progressBar> | null = null;
            const summary = await pipe.loadNew((done, total) => {
              if (!bar && total > 20) bar = progressBar('objects', total);
              bar?.update(done);
            });
            (bar as ReturnType<typeof progressBar> | null)?.stop();
            if (!flags.watch || summary.objects > 0) {
              process.stdout.write(
                `loaded ${summary.objects} objects, ${summary.rows} rows, ${summary.errors} damaged lines` +
                  `${summary.errors > 0 ? ' (see RAW.LOAD_ERRORS)' : ''}, ${summary.userAgents} new user agents ` +
                  `in ${summary.seconds.toFixed(1)} s${stagedNote(summary)}\n`,
              );
            }
            // the objects are loaded: a failed staging is said, without stopping a --watch
            reportStagedError(summary);
          } while (
            stop &&
            (await Promise.race([stop.then(() => false), sleep(flags.interval * 1000).then(() => true)]))
          );
        } finally {
          await pipe.close();
        }
      },
    );
}

/** What a load's summary line adds when it staged the loaded hits for the live views. */
export function stagedNote(summary: LoadSummary): string {
  return summary.stagedSeconds === null
    ? ''
    : `; staged for EVENTS_LIVE in ${summary.stagedSeconds.toFixed(1)} s`;
}

/** A failed staging for the live views, said on stderr and by the exit code (the objects are loaded). */
export function reportStagedError(summary: LoadSummary): void {
  if (!summary.stagedError) return;
  process.stderr.write(`pdi: ${summary.stagedError}\n`);
  process.exitCode = 1;
}

interface Pipe {
  loadNew(onObject: (done: number, total: number) => void): Promise<LoadSummary>;
  close(): Promise<void>;
}

async function duckdbPipe(layout: HomeLayout, location: string): Promise<Pipe> {
  const { Warehouse } = await import('../../warehouse/index.ts');
  const { loadNewObjects, openLake } = await import('../../pipe/index.ts');
  const lake = await openLake(location);
  const warehouse = await Warehouse.open(layout.warehousePath, { create: true });
  return {
    loadNew: (onObject) =>
      loadNewObjects(warehouse, lake, { onObject: (_load, done, total) => onObject(done, total) }),
    close: () => warehouse.close(),
  };
}

async function snowflakePipe(lakeDir: string): Promise<Pipe> {
  const { SnowflakeSession } = await import('../../warehouse/snowflake/session.ts');
  const { loadNewObjectsToSnowflake } = await import('../../pipe/snowflake/load.ts');
  const session = await SnowflakeSession.open();
  return {
    loadNew: (onObject) => loadNewObjectsToSnowflake(session, lakeDir, { onObject }),
    close: () => session.close(),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
