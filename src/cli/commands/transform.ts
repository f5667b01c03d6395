import { Command } from 'commander';
import { homeLayout } from '../../config/home.ts';
import { SETTINGS } from '../../config/settings.ts';
import { homeOption, maxTempSizeOption, memoryLimitOption, resolveTarget, targetOption } from '../options.ts';

export function transformCommand(): Command {
  return new Command('transform')
    .description('dbt build (models and tests) on the warehouse: EVENTS, STATS; exit non-zero when one fails')
    .addOption(homeOption())
    .addOption(targetOption())
    .addOption(memoryLimitOption())
    .addOption(maxTempSizeOption())
    .option('--full-refresh', 'rebuild the incremental models from scratch', false)
    .action(async (flags: { home: string; target?: string; fullRefresh: boolean }) => {
      const { dbtBuildArgs, runDbt } = await import('../../warehouse/dbt/index.ts');
      const { warehousePath } = homeLayout(flags.home);
      const target = resolveTarget(flags.target);
      // the models read what the pipe makes in RAW (RAW.UUID_V5 on DuckDB, the tables on Snowflake): make it
      // when missing (opening also says clearly when there is no warehouse or no login)
      const env = target === 'snowflake' ? await prepareSnowflake() : await prepareDuckdb(warehousePath);
      const result = await runDbt(dbtBuildArgs({ fullRefresh: flags.fullRefresh }), {
        warehousePath,
        target,
        env,
        onOutput: (text) => process.stdout.write(text),
      });
      if (result.code !== 0) process.exitCode = 1;
      if (result.output.includes("'max_temp_directory_size'")) {
        const { maxTempSize } = await import('../../warehouse/index.ts');
        process.stderr.write(
          `pdi transform: DuckDB spilled as much to disk as it may (--max-temp-size, ${SETTINGS.maxTempSize.env}: ` +
            `${maxTempSize(warehousePath)} here) and stopped before filling the disk: give it more disk ` +
            '(e.g. --max-temp-size 80%, or a size) or more memory (--memory-limit)\n',
        );
      }
    });
}

async function prepareDuckdb(warehousePath: string): Promise<Record<string, string>> {
  const { Warehouse } = await import('../../warehouse/index.ts');
  const { ensureRawSchema } = await import('../../pipe/index.ts');
  const warehouse = await Warehouse.open(warehousePath);
  await ensureRawSchema(warehouse).finally(() => warehouse.close());
  return {};
}

async function prepareSnowflake(): Promise<Record<string, string>> {
  const { SnowflakeSession, snowflakeEnvironment } = await import('../../warehouse/snowflake/session.ts');
  const { ensureSnowflakeRaw, userAgentParser } = await import('../../pipe/snowflake/load.ts');
  const session = await SnowflakeSession.open();
  await ensureSnowflakeRaw(session).finally(() => session.close());
  const parser = SETTINGS.snowflakeUserAgents;
  return { ...snowflakeEnvironment(), [parser.env]: userAgentParser() };
}
