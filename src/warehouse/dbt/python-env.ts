import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface PythonEnv {
  python: string;
  dbt: string;
}

/**
 * The repository's root, where dbt/ and .venv/ live: the nearest folder holding package.json above this
 * module, in src/ or in the compiled build (dist/cli/).
 */
export const PROJECT_ROOT = nearestPackageRoot(import.meta.dirname);

function nearestPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (dir === path.dirname(dir)) throw new Error(`no package.json above ${from}`);
  }
}

type Say = (line: string) => void;
const toStderr: Say = (line) => process.stderr.write(`${line}\n`);

/**
 * The project's own Python environment for dbt (`.venv/`), created and pip-installed from the pinned
 * `dbt/requirements.txt` when missing or when the requirements changed. Idempotent. It also holds the
 * Snowflake connector (through dbt-snowflake) that `--target snowflake` talks through.
 */
export async function ensurePythonEnv(
  root = PROJECT_ROOT,
  say: Say = toStderr,
): Promise<{ env: PythonEnv; installed: boolean }> {
  const venv = path.join(root, '.venv');
  const { installed } = await ensureVirtualEnv({
    venv,
    requirements: path.join(root, 'dbt', 'requirements.txt'),
    entryPoint: path.join('bin', 'dbt'),
    label: 'dbt',
    say,
  });
  return { env: { python: path.join(venv, 'bin', 'python'), dbt: path.join(venv, 'bin', 'dbt') }, installed };
}

/**
 * A Python virtual environment made from a pinned requirements file, (re)installed when it is missing, lacks
 * `entryPoint`, or was made from other requirements (a stamp of their hash). Returns its python.
 */
export async function ensureVirtualEnv(spec: {
  venv: string;
  requirements: string;
  /** A file the installed environment must have (relative to `venv`). */
  entryPoint: string;
  /** What it is for, in messages. */
  label: string;
  say?: Say;
}): Promise<{ python: string; installed: boolean }> {
  const say = spec.say ?? toStderr;
  const python = path.join(spec.venv, 'bin', 'python');
  const wanted = createHash('sha256')
    .update(await readFile(spec.requirements))
    .digest('hex');
  const stamp = path.join(spec.venv, '.requirements.sha256');
  const current = await readFile(stamp, 'utf8').catch(() => '');
  if ((await exists(path.join(spec.venv, spec.entryPoint))) && current.trim() === wanted)
    return { python, installed: false };

  const systemPython = process.env.PDI_PYTHON ?? 'python3';
  await run(
    systemPython,
    ['-c', 'import sys; assert sys.version_info >= (3, 10), sys.version'],
    `Python 3.10+ is needed for ${spec.label}`,
  );
  if (!(await exists(python))) {
    say(`pdi: creating the Python environment for ${spec.label} in ${spec.venv}`);
    await run(systemPython, ['-m', 'venv', spec.venv], 'cannot create the Python environment');
  }
  say(`pdi: installing ${spec.label} (pinned in ${path.relative(PROJECT_ROOT, spec.requirements)})…`);
  await run(
    python,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', spec.requirements],
    `pip could not install ${spec.label}`,
  );
  await writeFile(stamp, wanted);
  return { python, installed: true };
}

function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
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
