import { Command } from 'commander';
import { resolveCollectorConfig } from '../../config/collector-config.ts';
import { homeOption, settingOption as setting } from '../options.ts';
import { untilSignal } from '../signals.ts';

export function collectCommand(): Command {
  return new Command('collect')
    .description('run the collector: /collect and /batch hits into the lake (prints its URL once ready)')
    .addOption(homeOption())
    .addOption(setting('--host <address>', 'host'))
    .addOption(setting('--port <port>', 'port'))
    .addOption(setting('--buffer-bytes <bytes>', 'bufferBytes'))
    .addOption(setting('--buffer-seconds <seconds>', 'bufferSeconds'))
    .addOption(setting('--durability <mode>', 'durability').choices(['fsync', 'write']))
    .addOption(setting('--max-pending-bytes <bytes>', 'maxPendingBytes'))
    .addOption(setting('--anonymize-ip', 'anonymizeIp'))
    .addOption(setting('--divert-bots', 'divertBots'))
    .addOption(setting('--log-level <level>', 'logLevel'))
    .action(async (flags) => {
      // handlers first: a signal during start-up still ends in a clean stop
      const stopSignal = untilSignal();
      const { startCollector } = await import('../../runtime/collector.ts');
      const { createLogger } = await import('../../runtime/log.ts');
      const config = resolveCollectorConfig(flags);
      const log = createLogger(config.logLevel);
      const collector = await startCollector(config, log);
      process.stdout.write(`${collector.url}\n`);
      log.info(
        { url: collector.url, lake: config.lakeDir, durability: config.durability },
        'collector ready',
      );

      const signal = await stopSignal;
      log.info({ signal }, 'stopping: finishing requests in flight and flushing the lake');
      await collector.stop();
      log.info('stopped');
      log.flush();
    });
}
