import { Command, Option } from 'commander';
import { homeOption } from '../options.ts';
import { httpUrl, positiveInteger, positiveNumber } from '../parse.ts';
import { progressBar } from '../progress.ts';

export function pumpCommand(): Command {
  return new Command('pump')
    .description('send a dataset (Coveo format) to a collector as GA hits')
    .addOption(homeOption())
    .requiredOption('--dataset <dir>', 'folder with browsing_train.csv and sku_to_content.csv')
    .requiredOption('--url <url>', 'the collector, e.g. http://127.0.0.1:8080', httpUrl)
    .addOption(
      new Option('--concurrency <n>', 'requests in flight at most').default(16).argParser(positiveInteger),
    )
    .addOption(new Option('--rate <hits/s>', 'hits per second at most').argParser(positiveNumber))
    .option('--batch', 'send up to 20 hits a request to /batch', false)
    .addOption(
      new Option(
        '--clock <mode>',
        "'now': hits happen as they are sent; 'replay': keep the dataset's gaps, shifted to end now",
      )
        .choices(['now', 'replay'])
        .default('now'),
    )
    .addOption(
      new Option('--speed <n>', 'replay: dataset time runs N times faster')
        .default(1)
        .argParser(positiveNumber),
    )
    .addOption(new Option('--limit <n>', 'send only the first N rows').argParser(positiveInteger))
    .action(
      async (flags: {
        dataset: string;
        url: string;
        concurrency: number;
        rate?: number;
        batch: boolean;
        clock: 'now' | 'replay';
        speed: number;
        limit?: number;
      }) => {
        const { locateDataset } = await import('../../dataset/reader.ts');
        const { Pumper } = await import('../../replay/pumper.ts');
        const dataset = await locateDataset(flags.dataset);
        const abort = new AbortController();
        const stop = () => abort.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);

        const pumper = new Pumper({
          dataset,
          url: flags.url,
          concurrency: flags.concurrency,
          rate: flags.rate ?? null,
          batch: flags.batch,
          clock: flags.clock,
          speed: flags.speed,
          limit: flags.limit ?? null,
          signal: abort.signal,
        });
        const bar = progressBar('hits', flags.limit ?? null, ' | {rate} hits/s | errors {errors}');
        const timer = setInterval(() => {
          const p = pumper.progress;
          const seconds = (Date.now() - p.startedAtMs) / 1000;
          bar.update(p.hitsSent, {
            rate: Math.round(p.hitsAccepted / Math.max(seconds, 0.001)),
            errors: p.hitsRejected + p.hitsFailed,
          });
        }, 250);
        const summary = await pumper.run().finally(() => {
          clearInterval(timer);
          bar.stop();
          process.removeListener('SIGINT', stop);
          process.removeListener('SIGTERM', stop);
        });

        process.stdout.write(
          `sent ${summary.hitsSent} hits in ${summary.requests} requests in ${summary.seconds.toFixed(1)} s ` +
            `(${Math.round(summary.hitsPerSecond)} hits/s): ${summary.hitsAccepted} accepted, ` +
            `${summary.hitsRejected} refused, ${summary.hitsFailed} failed after retries, ${summary.retries} retries\n`,
        );
        for (const sample of summary.sampleRejections) process.stderr.write(`pdi pump: ${sample}\n`);
        if (abort.signal.aborted) process.stderr.write('pdi pump: interrupted\n');
        if (summary.hitsRejected + summary.hitsFailed > 0) process.exitCode = 1;
      },
    );
}
