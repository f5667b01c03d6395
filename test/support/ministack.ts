import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureVirtualEnv, PROJECT_ROOT as ROOT } from '../../src/warehouse/dbt/index.ts';
import { freePort } from './ports.ts';

export interface Ministack {
  /** http://127.0.0.1:PORT: every service's endpoint. */
  endpoint: string;
  /** What an AWS SDK client (ours through `./pdi`, or a test's) needs to reach it. */
  env: Record<string, string>;
  /** The URL of an HTTP API's `$default` stage. */
  apiUrl(apiId: string): string;
  stop(): Promise<void>;
}

export const MINISTACK_REGION = 'us-east-1';

const running = new Set<ChildProcess>();
// a test or benchmark that fails before stopping it leaves no server behind
process.once('exit', () => {
  for (const child of running) if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
});

/**
 * ministack (an AWS stand-in in Python: API Gateway v2 in front of Lambda functions that it runs with this
 * machine's `node`, Firehose into S3, S3, IAM) on a free port of 127.0.0.1, in its own Python environment
 * (.emulators/ministack), installed on first use. What it holds lives in memory.
 *
 * Its Lambda functions inherit its environment, so it starts from a bare one: nothing of the caller's AWS_*
 * settings reaches them (it gives them AWS_ENDPOINT_URL and credentials of its own). Its temporary folder has a
 * package.json saying CommonJS: the worker script it writes there for each Node function is CommonJS, and
 * would be read as ESM under a package.json saying "module" (such as ours).
 */
export async function startMinistack(): Promise<Ministack> {
  const venv = path.join(ROOT, '.emulators', 'ministack');
  await ensureVirtualEnv({
    venv,
    requirements: path.join(import.meta.dirname, 'ministack', 'requirements.txt'),
    entryPoint: path.join('bin', 'ministack'),
    label: 'ministack (the AWS stand-in of the tests)',
  });
  const port = await freePort();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'pdi-ministack-'));
  await writeFile(path.join(tmp, 'package.json'), '{"type":"commonjs"}\n');
  const child = spawn(path.join(venv, 'bin', 'ministack'), [], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: tmp,
      LANG: 'C.UTF-8',
      TMPDIR: tmp,
      GATEWAY_PORT: String(port),
      BIND_HOST: '127.0.0.1',
      MINISTACK_REGION,
      PERSIST_STATE: '0',
      S3_PERSIST: '0',
      LOG_LEVEL: 'WARNING',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ministack exited (${child.exitCode}):\n${stderr}`);
    const ready = await fetch(`${endpoint}/_ministack/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`ministack did not start:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint,
    env: {
      AWS_REGION: MINISTACK_REGION,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL: endpoint,
    },
    apiUrl: (apiId) => `${endpoint}/_aws/execute-api/${apiId}/$default`,
    stop: async () => {
      // its Lambda workers are in its process group
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      running.delete(child);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
