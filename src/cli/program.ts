import { Command } from 'commander';
import { SETTINGS } from '../config/settings.ts';
import { backfillCommand } from './commands/backfill.ts';
import { collectCommand } from './commands/collect.ts';
import { demoCommand } from './commands/demo.ts';
import { generateCommand } from './commands/generate.ts';
import { loadCommand } from './commands/load.ts';
import { pumpCommand } from './commands/pump.ts';
import { replayCommand } from './commands/replay.ts';
import { setupCommand } from './commands/setup.ts';
import { sqlCommand } from './commands/sql.ts';
import { transformCommand } from './commands/transform.ts';
import { upCommand } from './commands/up.ts';

export function buildProgram(): Command {
  const program = new Command('pdi')
    .description('paas-data-ingestion: collect clickstream hits into a replayable lake and warehouse')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`pdi: ${text.replace(/^error: /, '')}`) })
    .showHelpAfterError('(add --help for usage)')
    // `--memory-limit` and `--max-temp-size` reach every DuckDB of the command through the environment:
    // its own and dbt's
    .hook('preAction', (_program, command) => {
      const { memoryLimit, maxTempSize } = command.opts<{ memoryLimit?: string; maxTempSize?: string }>();
      if (memoryLimit !== undefined) process.env[SETTINGS.memoryLimit.env] = memoryLimit;
      if (maxTempSize !== undefined) process.env[SETTINGS.maxTempSize.env] = maxTempSize;
    });

  for (const command of [
    demoCommand(),
    collectCommand(),
    setupCommand(),
    generateCommand(),
    pumpCommand(),
    backfillCommand(),
    loadCommand(),
    replayCommand(),
    sqlCommand(),
    transformCommand(),
    upCommand(),
  ]) {
    program.addCommand(
      command
        .exitOverride()
        .configureOutput({
          outputError: (text, write) => write(`pdi ${command.name()}: ${text.replace(/^error: /, '')}`),
        })
        .showHelpAfterError('(add --help for usage)'),
    );
  }
  return program;
}
