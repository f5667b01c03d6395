import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll } from 'vitest';

/** Collectors and folders a test file made: none may outlive it, even when an assertion failed midway. */
const started = new Set<ChildProcess>();
const folders = new Set<string>();
afterAll(async () => {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await Promise.all([...folders].map((dir) => rm(dir, { recursive: true, force: true })));
});

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const PDI = path.join(ROOT, 'pdi');

/** A fresh folder under the system's temporary folder, removed when the test file ends. */
export async function tempHome(label = 'pdi-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), label));
  folders.add(dir);
  return dir;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `./pdi args…` to completion, as a user's script would. */
export function runPdi(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PDI, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface CollectorProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, then the exit code (the collector flushes before exiting). */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/** Starts `./pdi collect --home HOME --port 0 …` and waits for the URL it prints when ready. */
export async function startCollectorProcess(
  home: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<CollectorProcess> {
  const child = spawn(PDI, ['collect', '--home', home, '--port', '0', '--log-level', 'warn', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  started.add(child);
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`collector exited with ${code} before ready:\n${stderr}`)));
  });

  return {
    url,
    child,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
