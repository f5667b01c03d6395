import { Command, InvalidArgumentError } from 'commander';
import { homeLayout } from '../../config/home.ts';
import { homeOption, lakeOption, maxTempSizeOption, memoryLimitOption, resolveLake } from '../options.ts';
import { reportStagedError, stagedNote } from './load.ts';

function instant(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError(`"${text}" is not an ISO date or time (e.g. 2026-11-24T14:00Z)`);
  return ms;
}

export function replayCommand(): Command {
  return new Command('replay')
    .description('rebuild RAW.LOGS from the lake: all of it, or the objects of the hours in [--from, --to)')
    .addOption(homeOption())
    .addOption(lakeOption())
    .addOption(memoryLimitOption())
    .addOption(maxTempSizeOption())
    .option('--from <time>', 'first hour to replay (ISO date/time, UTC unless a zone is given)', instant)
    .option('--to <time>', 'end of the range, excluded', instant)
    .action(async (flags: { home: string; lake?: string; from?: number; to?: number }) => {
      const { Warehouse } = await import('../../warehouse/index.ts');
      const { openLake, replayLake } = await import('../../pipe/index.ts');
      const layout = homeLayout(flags.home);
      const lake = await openLake(resolveLake(flags.lake, layout.lakeDir));
      const warehouse = await Warehouse.open(layout.warehousePath, { create: true });
      try {
        const summary = await replayLake(warehouse, lake, { fromMs: flags.from, toMs: flags.to });
        process.stdout.write(
          `replayed ${summary.objects} objects, ${summary.rows} rows, ${summary.errors} damaged lines in ${summary.seconds.toFixed(1)} s${stagedNote(summary)}\n`,
        );
        reportStagedError(summary);
      } finally {
        await warehouse.close();
      }
    });
}
