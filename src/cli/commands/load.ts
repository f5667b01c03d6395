import { access } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { homeLayout } from '../../config/home.ts';
import { homeOption, maxTempSizeOption, memoryLimitOption } from '../options.ts';
import { positiveNumber } from '../parse.ts';
import { progressBar } from '../progress.ts';
import { untilSignal } from '../signals.ts';

export function loadCommand(): Command {
  return new Command('load')
    .description('load every new lake object into RAW.LOGS (exactly once), then exit, or keep watching')
    .addOption(homeOption())
    .addOption(memoryLimitOption())
    .addOption(maxTempSizeOption())
    .option('--watch', 'keep watching the lake for new objects', false)
    .addOption(
      new Option('--interval <seconds>', 'with --watch: seconds between scans')
        .default(2)
        .argParser(positiveNumber),
    )
    .action(async (flags: { home: string; watch: boolean; interval: number }) => {
      const { Warehouse } = await import('../../warehouse/index.ts');
      const { loadNewObjects } = await import('../../pipe/index.ts');
      const layout = homeLayout(flags.home);
      await access(layout.lakeDir).catch(() => {
        throw new Error(`no lake at ${layout.lakeDir}: collect or backfill some hits first`);
      });
      const stop = flags.watch ? untilSignal() : null;
      const warehouse = await Warehouse.open(layout.warehousePath, { create: true });
      try {
        do {
          let bar: ReturnType<typeof progressBar> | null = null;
          const summary = await loadNewObjects(warehouse, layout.lakeDir, {
            onObject: (_load, done, total) => {
              if (!bar && total > 20) bar = progressBar('objects', total);
              bar?.update(done);
            },
          });
          (bar as ReturnType<typeof progressBar> | null)?.stop();
          if (!flags.watch || summary.objects > 0) {
            process.stdout.write(
              `loaded ${summary.objects} objects, ${summary.rows} rows, ${summary.errors} damaged lines` +
                `${summary.errors > 0 ? ' (see RAW.LOAD_ERRORS)' : ''}, ${summary.userAgents} new user agents ` +
                `in ${summary.seconds.toFixed(1)} s\n`,
            );
          }
        } while (
          stop &&
          (await Promise.race([stop.then(() => false), sleep(flags.interval * 1000).then(() => true)]))
        );
      } finally {
        await warehouse.close();
      }
    });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
