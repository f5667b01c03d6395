import { Command, Option } from 'commander';
import { resolveCollectorConfig } from '../../config/collector-config.ts';
import { SETTINGS } from '../../config/settings.ts';
import { settingOption, stackOptions } from '../options.ts';
import { positiveNumber } from '../parse.ts';
import { untilSignal } from '../signals.ts';

/**
 * Hits reach the warehouse within a second or so, instead of Firehose's 60 s: the pipe asks for the hits written
 * whenever it is ready for them, and an object rolls a second after its first hit at the latest (none when no
 * hit came).
 */
const UP_BUFFER_SECONDS = '1';

interface UpFlags {
  home: string;
  host?: string;
  port?: string;
  loadEvery: number;
  transformEvery: number;
}

export function upCommand(): Command {
  const command = new Command('up').description(
    'the embedded stack for real traffic: collector + dashboard on one port, the pipe and a dbt scheduler',
  );
  for (const option of stackOptions(30, SETTINGS.logLevel.default)) command.addOption(option);
  return command
    .addOption(settingOption('--buffer-seconds <seconds>', 'bufferSeconds', UP_BUFFER_SECONDS))
    .addOption(
      new Option(
        '--load-every <seconds>',
        'seconds between two scans of the lake (a new object is loaded at once)',
      )
        .default(5)
        .argParser(positiveNumber),
    )
    .action(async (flags: UpFlags) => {
      const stopSignal = untilSignal();
      const { startStack } = await import('../../runtime/stack.ts');
      const { createLogger } = await import('../../runtime/log.ts');
      const config = resolveCollectorConfig(flags, process.env, { bufferSeconds: UP_BUFFER_SECONDS });
      const stack = await startStack({
        config,
        log: createLogger(config.logLevel),
        loadEverySeconds: flags.loadEvery,
        transformEverySeconds: flags.transformEvery,
      });
      process.stdout.write(`${stack.url}\n`);
      process.stderr.write(
        `pdi up: collector ${stack.url}/collect, dashboard ${stack.url}/dashboard, ` +
          `queries: ./pdi sql --home ${config.home} "select * from STATS.OVERVIEW_1D_LIVE"\n`,
      );
      await stopSignal;
      await stack.stop();
    });
}
