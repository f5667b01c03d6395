import { access } from 'node:fs/promises';
import { Command } from 'commander';
import { homeLayout } from '../../config/home.ts';
import { homeOption } from '../options.ts';

export function transformCommand(): Command {
  return new Command('transform')
    .description('dbt build (models and tests) on the warehouse: EVENTS, STATS; exit non-zero when one fails')
    .addOption(homeOption())
    .option('--full-refresh', 'rebuild the incremental models from scratch', false)
    .action(async (flags: { home: string; fullRefresh: boolean }) => {
      const { runDbt } = await import('../../warehouse/dbt/index.ts');
      const { warehousePath } = homeLayout(flags.home);
      await access(warehousePath).catch(() => {
        throw new Error(`no warehouse at ${warehousePath}: run \`./pdi load\` first`);
      });
      const result = await runDbt(['build', ...(flags.fullRefresh ? ['--full-refresh'] : [])], {
        warehousePath,
        onOutput: (text) => process.stdout.write(text),
      });
      if (result.code !== 0) process.exitCode = 1;
    });
}
