import { Option } from 'commander';
import { DEFAULT_HOME } from '../config/home.ts';

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
