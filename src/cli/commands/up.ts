import { Command, Option } from 'commander';
import { resolveCollectorConfig } from '../../config/collector-config.ts';
import { homeOption } from '../options.ts';
import { positiveNumber } from '../parse.ts';
import { untilSignal } from '../signals.ts';

export function upCommand(): Command {
  return new Command('up')
    .description(
      'the embedded stack for real traffic: collector + dashboard on one port, the pipe and a dbt scheduler',
    )
    .addOption(homeOption())
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--buffer-seconds <seconds>', 'roll a lake object after this many seconds (default 10 here)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace (logs are JSON on stderr)')
    .addOption(
      new Option('--load-every <seconds>', 'seconds between two loads of the lake')
        .default(5)
        .argParser(positiveNumber),
    )
    .addOption(
      new Option('--transform-every <seconds>', 'seconds between two dbt builds')
        .default(120)
        .argParser(positiveNumber),
    )
    .action(
      async (flags: {
        home: string;
        host: string;
        port: string;
        loadEvery: number;
        transformEvery: number;
      }) => {
        const stopSignal = untilSignal();
        const { startStack } = await import('../../runtime/stack.ts');
        const { createLogger } = await import('../../runtime/log.ts');
        const config = resolveCollectorConfig(flags, process.env, { bufferSeconds: '10' });
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
      },
    );
}
