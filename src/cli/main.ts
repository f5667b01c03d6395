import { CommanderError } from 'commander';
import { ConfigError } from '../config/collector-config.ts';
import { UsageError } from './options.ts';
import { buildProgram } from './program.ts';

// Commands import their parts lazily, so that `./pdi --help` stays fast.
/** Exit codes: 0 done, 1 failed, 2 wrong usage (unknown command or flag, invalid value). */
try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeOf(error);
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (or the help)
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof UsageError || error instanceof ConfigError) {
    process.stderr.write(`pdi: ${error.message}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`pdi: ${message}\n`);
  if (process.env.PDI_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}
