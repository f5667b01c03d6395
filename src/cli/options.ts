import { Option } from 'commander';
import { SETTINGS, type SettingName, settingText } from '../config/settings.ts';
import { duckdbSize, positiveNumber, sizeOrPercentage } from './parse.ts';

/** A mistake in how the command was called: reported in one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--home DIR` (env PDI_HOME): every command takes it. */
export function homeOption(): Option {
  return new Option('--home <dir>', 'home folder: lake in DIR/lake, warehouse in DIR/warehouse.duckdb')
    .env(SETTINGS.home.env)
    .default(SETTINGS.home.default);
}

/**
 * A flag for a setting of SETTINGS. It has no default of its own: the command resolves flag, else
 * environment, else default (`settingText`, `resolveCollectorConfig`), so that the environment can win.
 */
export function settingOption(flags: string, name: SettingName, defaultText?: string): Option {
  const { env, doc } = SETTINGS[name];
  return new Option(flags, `${doc} (env ${env}, default ${defaultText ?? SETTINGS[name].default})`);
}

/** The flags of the commands that run the whole embedded stack (`up`, `demo`). */
export function stackOptions(transformEverySeconds: number, logLevel: string): Option[] {
  return [
    homeOption(),
    settingOption('--host <address>', 'host'),
    settingOption('--port <port>', 'port'),
    settingOption('--log-level <level>', 'logLevel', logLevel),
    ...warehouseOptions(),
    new Option('--transform-every <seconds>', 'seconds between two dbt builds')
      .default(transformEverySeconds)
      .argParser(positiveNumber),
  ];
}

/**
 * `--memory-limit SIZE` and `--max-temp-size SIZE|N%` (env PDI_MEMORY_LIMIT, PDI_MAX_TEMP_SIZE): every command
 * that opens the warehouse or runs dbt. They reach DuckDB through the environment (see program.ts).
 */
export function warehouseOptions(): Option[] {
  return [memoryLimitOption(), maxTempSizeOption()];
}

export const TARGETS = ['duckdb', 'snowflake'] as const;
export type Target = (typeof TARGETS)[number];

/** `--target duckdb|snowflake` (env PDI_TARGET): the warehouse that load, transform and sql work on. */
export function targetOption(): Option {
  return settingOption('--target <warehouse>', 'target').choices(TARGETS);
}

/** The target a command works on: its flag, else PDI_TARGET, else the default. */
export function resolveTarget(flag: string | undefined): Target {
  const target = flag ?? settingText('target');
  if (!(TARGETS as readonly string[]).includes(target))
    throw new UsageError(`${SETTINGS.target.env} must be one of ${TARGETS.join(', ')}, not '${target}'`);
  return target as Target;
}

/** `--lake DIR|s3://BUCKET[/PREFIX]` (env PDI_LAKE): where load and replay read the lake objects. */
export function lakeOption(): Option {
  return settingOption('--lake <location>', 'lake');
}

/** The lake a command reads: its flag, else PDI_LAKE, else the home's own lake folder. */
export function resolveLake(flag: string | undefined, homeLakeDir: string): string {
  const lake = flag ?? process.env[SETTINGS.lake.env];
  return lake === undefined || lake === '' ? homeLakeDir : lake;
}

export function memoryLimitOption(): Option {
  return settingOption('--memory-limit <size>', 'memoryLimit').argParser(duckdbSize);
}

export function maxTempSizeOption(): Option {
  return settingOption('--max-temp-size <size>', 'maxTempSize').argParser(sizeOrPercentage);
}
