/**
 * The pumper's throughput, through ./pdi as a user runs it: the same rows sent to a server that does
 * nothing (the most the pumper itself can send on this machine) and to the collector, one hit a request and
 * with --batch. When the collector's rate is well under the do-nothing server's, the collector is what
 * limits, not the pumper.
 *
 *   node --import tsx bench/replay/pump.ts [--sessions 20000] [--concurrency 32]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type ServerProcess, startServer } from '../collect/server-process.ts';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '32' },
  },
});
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PDI = path.join(ROOT, 'pdi');
const work = await mkdtemp(path.join(os.tmpdir(), 'pdi-bench-pump-'));

function pdi(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PDI, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`./pdi ${args.join(' ')} failed (${code}):\n${output}`)),
    );
  });
}

/** Pumps the dataset into `server` and returns the pumper's own summary line and its hits/s. */
async function pump(server: ServerProcess, batch: boolean): Promise<{ line: string; rate: number }> {
  const output = await pdi([
    'pump',
    '--dataset',
    path.join(work, 'dataset'),
    '--url',
    server.url,
    '--concurrency',
    String(values.concurrency),
    ...(batch ? ['--batch'] : []),
  ]);
  const line = output.split('\n').find((l) => l.startsWith('sent ')) ?? output;
  const rate = Number(/\((\d+) hits\/s\)/.exec(line)?.[1] ?? Number.NaN);
  return { line, rate };
}

try {
  console.log(
    `machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, node ${process.version}`,
  );
  console.log(
    (
      await pdi(['generate', '--out', path.join(work, 'dataset'), '--sessions', String(values.sessions)])
    ).trim(),
  );
  const rows: [string, string, number][] = [];
  for (const batch of [false, true]) {
    const baseline = await startServer(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'bench', 'collect', 'baseline-server.ts')],
      ROOT,
    );
    const intoBaseline = await pump(baseline, batch);
    await baseline.stop();
    const collector = await startServer(
      PDI,
      ['collect', '--home', path.join(work, `home-${batch}`), '--port', '0'],
      ROOT,
    );
    const intoCollector = await pump(collector, batch);
    await collector.stop();
    const mode = batch ? '/batch (20 hits a request)' : '/collect (1 hit a request)';
    rows.push([mode, 'do-nothing server', intoBaseline.rate], [mode, 'collector', intoCollector.rate]);
    console.log(`${mode}, do-nothing server: ${intoBaseline.line}`);
    console.log(`${mode}, collector: ${intoCollector.line}`);
  }
  console.log('');
  console.log('| mode | into | pumper hits/s |');
  console.log('| --- | --- | ---: |');
  for (const [mode, into, rate] of rows)
    console.log(`| ${mode} | ${into} | ${rate.toLocaleString('en-US')} |`);
} finally {
  await rm(work, { recursive: true, force: true });
}
