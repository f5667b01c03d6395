import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { SETTINGS } from '../../config/settings.ts';
import { maxTempSize, memoryLimit } from '../warehouse.ts';
import { ensurePythonEnv, PROJECT_ROOT } from './python-env.ts';

/**
 * `dbt build`'s arguments for a run that builds the warehouse: models and their data tests. The models' unit
 * tests check the SQL, not the data, and need no run of their own on every build: the test suite runs them
 * (`dbt test --select test_type:unit`).
 */
export function dbtBuildArgs(options: { fullRefresh?: boolean } = {}): string[] {
  return [
    'build',
    '--exclude-resource-type',
    'unit_test',
    ...(options.fullRefresh ? ['--full-refresh'] : []),
  ];
}

export interface DbtRun {
  code: number;
  output: string;
}

/**
 * Runs dbt on the warehouse file, offline and quiet about it: no usage statistics, no version check,
 * no hub. Output goes to `onOutput` (the terminal, or a log).
 */
export async function runDbt(
  args: string[],
  options: {
    warehousePath: string;
    /** The profile's output: the embedded DuckDB file (default), or Snowflake. */
    target?: 'duckdb' | 'snowflake';
    /** More environment for dbt (Snowflake's settings). */
    env?: Record<string, string>;
    onOutput?: (text: string) => void;
    /** Called with dbt's process id once it runs (to watch its memory, say). */
    onSpawn?: (pid: number) => void;
    /**
     * Run below the caller's CPU priority: a build in the background of a running stack, so that the collector
     * and the pipe beside it take the CPU first and the build the rest.
     */
    background?: boolean;
    root?: string;
  },
): Promise<DbtRun> {
  const root = options.root ?? PROJECT_ROOT;
  const { env } = await ensurePythonEnv(root);
  const projectDir = path.join(root, 'dbt');
  return new Promise((resolve, reject) => {
    const target = ['--target', options.target ?? 'duckdb'];
    const child = spawn(
      env.dbt,
      [...args, ...target, '--project-dir', projectDir, '--profiles-dir', projectDir],
      {
        cwd: projectDir,
        env: {
          ...process.env,
          ...options.env,
          DO_NOT_TRACK: '1',
          DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
          DBT_VERSION_CHECK: 'false',
          PDI_WAREHOUSE_PATH: options.warehousePath,
          [SETTINGS.memoryLimit.env]: memoryLimit(),
          [SETTINGS.maxTempSize.env]: maxTempSize(options.warehousePath),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    if (child.pid !== undefined) {
      // before dbt starts its threads, which take its priority
      if (options.background) lowerPriority(child.pid);
      options.onSpawn?.(child.pid);
    }
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk;
      options.onOutput?.(chunk.toString());
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** How far below the caller a background build runs (nice: 0, the default, to 19, the lowest). */
const BACKGROUND_NICENESS = 10;

function lowerPriority(pid: number): void {
  try {
    os.setPriority(pid, Math.min(19, os.getPriority() + BACKGROUND_NICENESS));
  } catch {
    // the process has already ended, or the system refuses: it runs at the caller's priority
  }
}
