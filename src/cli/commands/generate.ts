import { Command, Option } from 'commander';
import { homeOption } from '../options.ts';
import { positiveInteger } from '../parse.ts';
import { progressBar } from '../progress.ts';

export function generateCommand(): Command {
  return new Command('generate')
    .description(
      'write a synthetic dataset in the Coveo format (browsing_train.csv, sku_to_content.csv, search_train.csv)',
    )
    .addOption(homeOption())
    .requiredOption('--out <dir>', 'folder to write the three files into')
    .addOption(
      new Option('--sessions <n>', 'sessions to generate (the full dataset has 4,934,699)')
        .default(10_000)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--seed <s>', 'seed: the same seed gives the same files')
        .default(1)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--days <n>', 'days the sessions spread over (default: ~40,000 sessions a day)').argParser(
        positiveInteger,
      ),
    )
    .action(async (flags: { out: string; sessions: number; seed: number; days?: number }) => {
      const { generateDataset } = await import('../../dataset/generator.ts');
      const bar = progressBar('sessions', flags.sessions);
      const summary = await generateDataset({
        outDir: flags.out,
        sessions: flags.sessions,
        seed: flags.seed,
        days: flags.days,
        onProgress: (done) => bar.update(done),
      });
      bar.stop();
      process.stdout.write(
        `wrote ${summary.browsingRows} browsing rows in ${summary.sessions} sessions, ${summary.skus} SKUs, ` +
          `${summary.searchRows} searches to ${flags.out}\n` +
          `from ${new Date(summary.firstTimestampMs).toISOString()} to ${new Date(summary.lastTimestampMs).toISOString()}\n`,
      );
    });
}
