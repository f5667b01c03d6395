import { Command } from 'commander';
import { homeLayout } from '../../config/home.ts';
import { SETTINGS } from '../../config/settings.ts';
import { homeOption, maxTempSizeOption, memoryLimitOption } from '../options.ts';

export function transformCommand(): Command {
  return new Command('transform')
    .description('dbt build (models and tests) on the warehouse: EVENTS, STATS; exit non-zero when one fails')
    .addOption(homeOption())
    .addOption(memoryLimitOption())
    .addOption(maxTempSizeOption())
    .option('--full-refresh', 'rebuild the incremental models from scratch', false)
    .action(async (flags: { home: string; fullRefresh: boolean }) => {
      const { runDbt } = await import('../../warehouse/dbt/index.ts');
      const { Warehouse, maxTempSize } = await import('../../warehouse/index.ts');
      const { ensureRawSchema } = await import('../../pipe/index.ts');
      const { warehousePath } = homeLayout(flags.home);
      // the models read RAW's macros (RAW.UUID_V5): a warehouse made by an older version may lack them
      // (opening also says clearly when there is no warehouse yet)
      const warehouse = await Warehouse.open(warehousePath);
      await ensureRawSchema(warehouse).finally(() => warehouse.close());
      const result = await runDbt(['build', ...(flags.fullRefresh ? ['--full-refresh'] : [])], {
        warehousePath,
        onOutput: (text) => process.stdout.write(text),
      });
      if (result.code !== 0) process.exitCode = 1;
      if (result.output.includes("'max_temp_directory_size'")) {
        process.stderr.write(
          `pdi transform: DuckDB spilled as much to disk as it may (--max-temp-size, ${SETTINGS.maxTempSize.env}: ` +
            `${maxTempSize(warehousePath)} here) and stopped before filling the disk: give it more disk ` +
            '(e.g. --max-temp-size 80%, or a size) or more memory (--memory-limit)\n',
        );
      }
    });
}
