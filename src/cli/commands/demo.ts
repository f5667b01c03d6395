import { Command, Option } from 'commander';
import { resolveCollectorConfig } from '../../config/collector-config.ts';
import { stackOptions } from '../options.ts';
import { positiveInteger, positiveNumber, wholeNumber } from '../parse.ts';
import { untilSignal } from '../signals.ts';

/** Objects show up within seconds in the demo, instead of Firehose's 60 s. */
const DEMO_BUFFER_SECONDS = '1';
/** The demo prints what happens itself: only warnings from the logs. */
const DEMO_LOG_LEVEL = 'warn';

export function demoCommand(): Command {
  const command = new Command('demo').description(
    'the embedded stack with traffic: a demo dataset (generated if none is given), its history backfilled ' +
      'so that it ends now, then its last day pumped live into the stack of `up` (lake, warehouse, dbt, ' +
      'dashboard; Ctrl-C stops cleanly)',
  );
  for (const option of stackOptions(30, DEMO_LOG_LEVEL)) command.addOption(option);
  return command
    .option('--dataset <dir>', 'a dataset folder (Coveo layout) instead of the generated one')
    .addOption(
      new Option('--sessions <n>', 'sessions of the generated dataset')
        .default(6000)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--history-days <n>', 'days of the dataset backfilled first, ending now (0: none)')
        .default(14)
        .argParser(wholeNumber),
    )
    .addOption(
      new Option('--speed <x>', 'the live day is pumped at its own rhythm, this many times faster')
        .default(60)
        .argParser(positiveNumber),
    )
    .addOption(
      new Option('--rate <hits/s>', 'hits per second to pump, at most')
        .default(200)
        .argParser(positiveNumber),
    )
    .action(
      async (flags: {
        home: string;
        host?: string;
        port?: string;
        dataset?: string;
        sessions: number;
        historyDays: number;
        speed: number;
        rate: number;
        transformEvery: number;
      }) => {
        // handlers first: a signal during start-up still ends in a clean stop
        const stopSignal = untilSignal();
        const { startDemo } = await import('../../runtime/demo.ts');
        const { createLogger } = await import('../../runtime/log.ts');
        const config = resolveCollectorConfig(flags, process.env, {
          bufferSeconds: DEMO_BUFFER_SECONDS,
          logLevel: DEMO_LOG_LEVEL,
        });
        const say = (line: string) => process.stdout.write(`${line}\n`);
        const demo = await startDemo({
          config,
          datasetDir: flags.dataset ?? null,
          sessions: flags.sessions,
          historyDays: flags.historyDays,
          speed: flags.speed,
          rate: flags.rate,
          transformEverySeconds: flags.transformEvery,
          log: createLogger(config.logLevel),
          say,
        });
        const url = demo.stack.url;
        say(
          flags.historyDays > 0
            ? `collector listening on ${url}, pumping the dataset's last day at ${flags.speed}x its pace (at most ${flags.rate} hits/s)`
            : `collector listening on ${url}, pumping the dataset at ${flags.rate} hits/s`,
        );
        say(
          `lake objects appear every ${config.bufferSeconds} s under ${config.lakeDir}/stream_data/, loaded into ${config.warehousePath}`,
        );
        say(
          `dashboard:   ${url}/dashboard (stats after the first dbt run, then every ${flags.transformEvery} s)`,
        );
        say(`queries:     ./pdi sql --home ${config.home} "select * from STATS.OVERVIEW_1D_LIVE"`);
        say(`metrics:     curl ${url}/metrics`);
        say(`send a hit:  curl -d 't=pageview&cid=demo&dl=https%3A%2F%2Fshop.example%2F' ${url}/collect`);
        say('press Ctrl-C to stop (the open buffer is flushed into the lake)');
        const finished = await Promise.race([stopSignal.then(() => null), demo.pumped]);
        if (finished) say(`the dataset is sent (${finished.hitsAccepted} hits); the collector keeps running`);
        if (finished) await stopSignal;
        const summary = await demo.stop();
        say(`stopped: ${summary.hitsAccepted} hits pumped, every acknowledged hit is in the lake`);
      },
    );
}
