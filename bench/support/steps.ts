import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { watchTreeMemory } from './process-memory.ts';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PDI = path.join(ROOT, 'pdi');

/** One measured step of a benchmark: its wall and CPU time, the peak memory of its process tree, its output. */
export interface Step {
  name: string;
  seconds: number;
  /** User + system CPU time of the whole process tree (steadier than wall time on a shared machine). */
  cpuSeconds: number;
  peakMb: number;
  output: string;
}

export function machine(): string {
  return `${os.cpus()[0]?.model}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, node ${process.version}`;
}

/** Runs `./pdi args…` as a user would, timing it and watching its memory; rejects when it fails. */
export function pdiStep(name: string, args: string[], env?: Record<string, string>): Promise<Step> {
  return commandStep(name, PDI, args, env);
}

/** Prints the CPU times of the command's process tree after it ends (bash's `times`: its children's line). */
const WITH_CPU_TIMES = '"$@"; status=$?; echo "@@cpu" >&2; times >&2; exit $status';

/** Runs a command, timing it, watching its memory and taking its CPU time; rejects when it fails. */
export function commandStep(
  name: string,
  command: string,
  args: string[],
  env?: Record<string, string>,
): Promise<Step> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('bash', ['-c', WITH_CPU_TIMES, name, command, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const memory = watchTreeMemory(child.pid as number);
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('close', async (code) => {
      const cpu = /@@cpu\n.*\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\n/.exec(output);
      const cpuSeconds = cpu
        ? 60 * Number(cpu[1]) + Number(cpu[2]) + 60 * Number(cpu[3]) + Number(cpu[4])
        : Number.NaN;
      const step = finish(
        name,
        started,
        cpuSeconds,
        await memory.stop(),
        output.replace(/@@cpu\n.*\n.*\n/, ''),
      );
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${output}`));
      else resolve(step);
    });
  });
}

function finish(name: string, started: number, cpuSeconds: number, peakBytes: number, output: string): Step {
  const seconds = (performance.now() - started) / 1000;
  const step = { name, seconds, cpuSeconds, peakMb: peakBytes / 2 ** 20, output };
  console.log(
    `${name}: ${seconds.toFixed(1)} s, CPU ${cpuSeconds.toFixed(1)} s, peak ${step.peakMb.toFixed(0)} MB`,
  );
  return step;
}

/** The steps as a table; with `rows`, each step's CPU seconds per million rows too. */
export function printSteps(steps: Step[], rows?: number): void {
  const perMillion = (step: Step) => (rows ? ` ${((1e6 * step.cpuSeconds) / rows).toFixed(1)} |` : '');
  console.log('');
  console.log(`| step | wall time (s) | CPU (s) |${rows ? ' CPU s per 1M rows |' : ''} peak memory (MB) |`);
  console.log(`| --- | ---: | ---: |${rows ? ' ---: |' : ''} ---: |`);
  for (const step of steps) {
    console.log(
      `| ${step.name} | ${step.seconds.toFixed(1)} | ${step.cpuSeconds.toFixed(1)} |${perMillion(step)} ${step.peakMb.toFixed(0)} |`,
    );
  }
}

/** The row count `./pdi load` or `./pdi backfill` printed. */
export function rowsIn(step: Step): number {
  return Number(/(\d[\d,]*) rows/.exec(step.output)?.[1]?.replaceAll(',', '') ?? Number.NaN);
}

/** What the last dbt invocation spent, from its run_results.json: models (and hooks) and data tests. */
export interface DbtTimings {
  modelSeconds: number;
  testSeconds: number;
  /** The slowest tests, with their seconds. */
  slowestTests: [string, number][];
}

export async function lastDbtTimings(): Promise<DbtTimings> {
  const results = JSON.parse(
    await readFile(path.join(ROOT, 'dbt', 'target', 'run_results.json'), 'utf8'),
  ) as {
    results: { unique_id: string; execution_time: number }[];
  };
  const tests = results.results.filter((r) => r.unique_id.startsWith('test.'));
  const sum = (rows: { execution_time: number }[]) => rows.reduce((total, r) => total + r.execution_time, 0);
  return {
    modelSeconds: sum(results.results) - sum(tests),
    testSeconds: sum(tests),
    slowestTests: tests
      .sort((a, b) => b.execution_time - a.execution_time)
      .slice(0, 5)
      .map((r): [string, number] => [r.unique_id.split('.').slice(2).join('.'), r.execution_time]),
  };
}

/** One line on a `./pdi transform`'s data tests: their share of the time dbt spent on nodes. */
export function describeTests(name: string, timings: DbtTimings): string {
  const share = (100 * timings.testSeconds) / (timings.modelSeconds + timings.testSeconds);
  const slowest = timings.slowestTests.map(([test, s]) => `${test} ${s.toFixed(1)} s`).join(', ');
  return (
    `${name}: models ${timings.modelSeconds.toFixed(1)} s, tests ${timings.testSeconds.toFixed(1)} s ` +
    `(${share.toFixed(1)}% of the nodes' time, target < 10%); slowest tests: ${slowest}`
  );
}
