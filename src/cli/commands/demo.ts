import { Command, Option } from 'commander';
import { resolveCollectorConfig } from '../../config/collector-config.ts';
import { stackOptions } from '../options.ts';
import { positiveInteger, positiveNumber } from '../parse.ts';
import { untilSignal } from '../signals.ts';

/** Objects show up within seconds in the demo, instead of Firehose's 60 s. */
const DEMO_BUFFER_SECONDS = '5';
/** The demo prints what happens itself: only warnings from the logs. */
const DEMO_LOG_LEVEL = 'warn';

export function demoCommand(): Command {
  const command = new Command('demo').description(
    'the embedded stack with traffic: a demo dataset (generated if none is given) pumped into the stack ' +
      'of `up` (lake, warehouse, dbt, dashboard; Ctrl-C stops cleanly)',
  );
  for (const option of stackOptions(60, DEMO_LOG_LEVEL)) command.addOption(option);
  return command
    .option('--dataset <dir>', 'a dataset folder (Coveo layout) instead of the generated one')
    .addOption(
      new Option('--sessions <n>', 'sessions of the generated dataset')
        .default(2000)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--rate <hits/s>', 'hits per second to pump').default(200).argParser(positiveNumber),
    )
    .action(
      async (flags: {
        home: string;
        host?: string;
        port?: string;
        dataset?: string;
        sessions: number;
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
          rate: flags.rate,
          transformEverySeconds: flags.transformEvery,
          log: createLogger(config.logLevel),
          say,
        });
        const url = demo.stack.url;
        say(`collector listening on ${url}, pumping the dataset at ${flags.rate} hits/s`);
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
