import { Option } from 'commander';
import { DEFAULT_HOME } from '../config/home.ts';
import { positiveNumber } from './parse.ts';

/** A mistake in how the command was called: reported in one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--home DIR` (env PDI_HOME): every command takes it. */
export function homeOption(): Option {
  return new Option('--home <dir>', 'home folder: lake in DIR/lake, warehouse in DIR/warehouse.duckdb')
    .env('PDI_HOME')
    .default(DEFAULT_HOME);
}

/** The flags of the commands that run the whole embedded stack (`up`, `demo`). */
export function stackOptions(transformEverySeconds: number): Option[] {
  return [
    homeOption(),
    new Option('--host <address>', 'address to listen on').default('127.0.0.1'),
    new Option('--port <port>', 'port to listen on').default('8080'),
    new Option('--log-level <level>', 'fatal, error, warn, info, debug or trace (logs are JSON on stderr)'),
    new Option('--transform-every <seconds>', 'seconds between two dbt builds')
      .default(transformEverySeconds)
      .argParser(positiveNumber),
  ];
}
