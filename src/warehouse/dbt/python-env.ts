import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface PythonEnv {
  python: string;
  dbt: string;
}

/** The repository's root: dbt/ and .venv/ live there. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

/**
 * The project's own Python environment for dbt (`.venv/`), created and pip-installed from the pinned
 * `dbt/requirements.txt` when missing or when the requirements changed. Idempotent.
 */
export async function ensurePythonEnv(
  root = PROJECT_ROOT,
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<{ env: PythonEnv; installed: boolean }> {
  const venv = path.join(root, '.venv');
  const env = { python: path.join(venv, 'bin', 'python'), dbt: path.join(venv, 'bin', 'dbt') };
  const requirements = path.join(root, 'dbt', 'requirements.txt');
  const wanted = createHash('sha256')
    .update(await readFile(requirements))
    .digest('hex');
  const stamp = path.join(venv, '.requirements.sha256');
  const current = await readFile(stamp, 'utf8').catch(() => '');
  const hasDbt = await access(env.dbt).then(
    () => true,
    () => false,
  );
  if (hasDbt && current.trim() === wanted) return { env, installed: false };

  const python = process.env.PDI_PYTHON ?? 'python3';
  await run(
    python,
    ['-c', 'import sys; assert sys.version_info >= (3, 10), sys.version'],
    'Python 3.10+ is needed for dbt',
  );
  if (
    !(await access(env.python).then(
      () => true,
      () => false,
    ))
  ) {
    say(`pdi: creating the Python environment for dbt in ${venv}`);
    await run(python, ['-m', 'venv', venv], 'cannot create the Python environment');
  }
  say('pdi: installing dbt (pinned in dbt/requirements.txt)…');
  await run(
    env.python,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements],
    'pip could not install dbt',
  );
  await writeFile(stamp, wanted);
  return { env, installed: true };
}

function run(command: string, args: string[], failure: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', (error) => reject(new Error(`${failure}: ${error.message}`)));
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${failure}:\n${stderr.trim()}`)),
    );
  });
}
