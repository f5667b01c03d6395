/**
 * A server under test, run as a user would: a command that prints its URL on stdout once ready and exits 0
 * on SIGTERM. The process measured (RSS) and signalled is the Node process serving: `./pdi` is a bash
 * script that execs node, so it is the spawned pid itself once the URL is printed; should a wrapper ever
 * fork instead, the Node process is looked for among its descendants.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  url: string;
  /** The Node process serving (the spawned pid after `exec`, or its Node descendant). */
  pid: number;
  /** How the pid was found: `spawned pid (exec)` or `descendant of <pid>`. */
  pidNote: string;
  stderr(): string;
  /** SIGTERM, then the exit code (null when killed after `timeoutMs`) and how long it took. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: string | null; ms: number }>;
}

export async function startServer(command: string, args: string[], cwd: string): Promise<ServerProcess> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} not ready after 60 s:\n${stderr}`)), 60_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`${command} exited with ${code} before ready:\n${stderr}`)),
    );
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  child.stdout.resume(); // nothing more is expected on stdout; never let it fill up

  const { pid, note } = nodePid(child);
  return {
    url,
    pid,
    pidNote: note,
    stderr: () => stderr,
    async stop(timeoutMs = 60_000) {
      const started = performance.now();
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const { code, signal } = await exited;
      clearTimeout(timer);
      return { code, signal, ms: Math.round(performance.now() - started) };
    },
  };
}

function nodePid(child: ChildProcess): { pid: number; note: string } {
  const pid = child.pid;
  if (pid === undefined) throw new Error('the server has no pid');
  if (isNode(pid)) return { pid, note: 'spawned pid (exec)' };
  const found = descendants(pid).find(isNode);
  if (found === undefined) throw new Error(`no node process under pid ${pid}`);
  return { pid: found, note: `descendant of ${pid}` };
}

function isNode(pid: number): boolean {
  try {
    return path.basename(readlinkSync(`/proc/${pid}/exe`)).startsWith('node');
  } catch {
    return false;
  }
}

function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}
