import { Command } from 'commander';
import { homeOption } from '../options.ts';

export function setupCommand(): Command {
  return new Command('setup')
    .description('install, idempotently, what the project needs beyond `npm ci`, and prepare the home folder')
    .addOption(homeOption())
    .action(async (flags: { home: string }) => {
      const { runSetup } = await import('../../runtime/setup.ts');
      for await (const step of runSetup(flags.home)) {
        process.stdout.write(`${step.done ? 'ok  ' : 'made'} ${step.name}\n`);
      }
    });
}
