import { Command } from 'commander';
import { resolveCollectorConfig } from '../../config/collector-config.ts';
import { homeOption } from '../options.ts';
import { untilSignal } from '../signals.ts';

/** Objects show up within seconds in the demo, instead of Firehose's 60 s. */
const DEMO_BUFFER_SECONDS = '5';

export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'start the embedded stack for a demo: the collector writing to HOME/lake (Ctrl-C stops it cleanly)',
    )
    .addOption(homeOption())
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8080')
    .action(async (flags: { home: string; host: string; port: string }) => {
      // handlers first: a signal during start-up still ends in a clean stop
      const stopSignal = untilSignal();
      const { startCollector } = await import('../../runtime/collector.ts');
      const { createLogger } = await import('../../runtime/log.ts');
      const config = resolveCollectorConfig(flags, process.env, {
        bufferSeconds: DEMO_BUFFER_SECONDS,
        logLevel: 'warn',
      });
      const collector = await startCollector(config, createLogger(config.logLevel));
      const out = process.stdout;
      out.write(`collector listening on ${collector.url}\n`);
      out.write(`lake objects appear every ${config.bufferSeconds} s under ${config.lakeDir}/stream_data/\n`);
      out.write(
        `send a hit:  curl -d 't=pageview&cid=demo&dl=https%3A%2F%2Fshop.example%2F' ${collector.url}/collect\n`,
      );
      out.write(`metrics:     curl ${collector.url}/metrics\n`);
      out.write('press Ctrl-C to stop (the open buffer is flushed into the lake)\n');
      await stopSignal;
      await collector.stop();
      out.write('stopped: every acknowledged hit is in the lake\n');
    });
}
