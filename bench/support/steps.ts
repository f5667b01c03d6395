import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { runDbt } from '../../src/warehouse/dbt/index.ts';
import { watchTreeMemory } from './process-memory.ts';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PDI = path.join(ROOT, 'pdi');

/** One measured step of a benchmark: its wall time, the peak memory of its process tree, its output. */
export interface Step {
  name: string;
  seconds: number;
  peakMb: number;
  output: string;
}

export function machine(): string {
  return `${os.cpus()[0]?.model}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, node ${process.version}`;
}

/** Runs `./pdi args…` as a user would, timing it and watching its memory; rejects when it fails. */
export function pdiStep(name: string, args: string[]): Promise<Step> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(PDI, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const memory = watchTreeMemory(child.pid as number);
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('close', async (code) => {
      const step = finish(name, started, await memory.stop(), output);
      if (code !== 0) reject(new Error(`./pdi ${args.join(' ')} failed (${code}):\n${output}`));
      else resolve(step);
    });
  });
}

/** `dbt <args>` on a warehouse file, timed and watched the same way. */
export async function dbtStep(name: string, args: string[], warehousePath: string): Promise<Step> {
  const started = performance.now();
  let memory: ReturnType<typeof watchTreeMemory> | undefined;
  const result = await runDbt(args, {
    warehousePath,
    onSpawn: (pid) => {
      memory = watchTreeMemory(pid);
    },
  });
  const step = finish(name, started, (await memory?.stop()) ?? 0, result.output);
  if (result.code !== 0) throw new Error(`dbt ${args.join(' ')} failed:\n${result.output}`);
  return step;
}

function finish(name: string, started: number, peakBytes: number, output: string): Step {
  const step = { name, seconds: (performance.now() - started) / 1000, peakMb: peakBytes / 2 ** 20, output };
  console.log(`${name}: ${step.seconds.toFixed(1)} s, peak ${step.peakMb.toFixed(0)} MB`);
  return step;
}

export function printSteps(steps: Step[]): void {
  console.log('');
  console.log('| step | wall time (s) | peak memory (MB) |');
  console.log('| --- | ---: | ---: |');
  for (const step of steps)
    console.log(`| ${step.name} | ${step.seconds.toFixed(1)} | ${step.peakMb.toFixed(0)} |`);
}

/** The row count `./pdi load` or `./pdi backfill` printed. */
export function rowsIn(step: Step): number {
  return Number(/(\d[\d,]*) rows/.exec(step.output)?.[1]?.replaceAll(',', '') ?? Number.NaN);
}
