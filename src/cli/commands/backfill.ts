import { Command, Option } from 'commander';
import { homeLayout } from '../../config/home.ts';
import { homeOption } from '../options.ts';
import { positiveInteger } from '../parse.ts';
import { progressBar } from '../progress.ts';

export function backfillCommand(): Command {
  return new Command('backfill')
    .description(
      'turn a dataset (Coveo format) straight into lake objects, bypassing HTTP; then `load` and `transform`',
    )
    .addOption(homeOption())
    .requiredOption('--dataset <dir>', 'folder with browsing_train.csv and sku_to_content.csv')
    .addOption(
      new Option(
        '--shift <mode>',
        "'now': shift times so that the dataset ends now; 'none': keep its own dates",
      )
        .choices(['now', 'none'])
        .default('now'),
    )
    .addOption(new Option('--limit <n>', 'only the first N rows').argParser(positiveInteger))
    .action(async (flags: { home: string; dataset: string; shift: 'now' | 'none'; limit?: number }) => {
      const { locateDataset } = await import('../../dataset/reader.ts');
      const { backfill } = await import('../../replay/backfill.ts');
      const dataset = await locateDataset(flags.dataset);
      const bar = progressBar('rows', flags.limit ?? null);
      const summary = await backfill({
        dataset,
        lakeDir: homeLayout(flags.home).lakeDir,
        shift: flags.shift,
        limit: flags.limit ?? null,
        onProgress: (rows) => bar.update(rows),
      });
      bar.stop();
      process.stdout.write(
        `backfilled ${summary.rows} rows into ${summary.objects} lake objects (${(summary.compressedBytes / 1e6).toFixed(1)} MB) ` +
          `in ${summary.seconds.toFixed(1)} s, run ${summary.runId}, times shifted by ${(summary.shiftMs / 86_400_000).toFixed(2)} days\n` +
          'next: ./pdi load && ./pdi transform\n',
      );
    });
}
