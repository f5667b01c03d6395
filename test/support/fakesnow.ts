import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ensureVirtualEnv, PROJECT_ROOT as ROOT } from '../../src/warehouse/dbt/index.ts';

const HERE = path.join(import.meta.dirname, 'fakesnow');

export interface Fakesnow {
  /** SNOWFLAKE_* variables that point `./pdi --target snowflake` at it, with an empty database. */
  env: Record<string, string>;
  /** The port it listens on (127.0.0.1). */
  port: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// a test or benchmark that fails before stopping it leaves no server behind
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * fakesnow's server (a Snowflake stand-in on DuckDB, see fakesnow/serve.py) on a free port of 127.0.0.1, in
 * its own Python environment (.emulators/fakesnow), installed on first use. Its databases live in memory.
 */
export async function startFakesnow(database = 'PDI_TEST'): Promise<Fakesnow> {
  const { python } = await ensureVirtualEnv({
    venv: path.join(ROOT, '.emulators', 'fakesnow'),
    requirements: path.join(HERE, 'requirements.txt'),
    entryPoint: path.join('bin', 'fakesnow'),
    label: 'fakesnow (the Snowflake stand-in of the tests)',
  });
  const child = spawn(python, [path.join(HERE, 'serve.py'), '-s', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  const port = await new Promise<number>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`fakesnow did not start:\n${stderr}`)), 60_000);
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
      const ready = /Uvicorn running on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (ready) {
        clearTimeout(timer);
        resolve(Number(ready[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`fakesnow exited (${code}):\n${stderr}`)));
  });
  child.stderr?.resume();
  const env = {
    SNOWFLAKE_ACCOUNT: 'fakesnow',
    SNOWFLAKE_USER: 'pdi',
    SNOWFLAKE_PASSWORD: 'stand-in',
    SNOWFLAKE_DATABASE: database,
    SNOWFLAKE_WAREHOUSE: 'PDI_TEST_WH',
    SNOWFLAKE_HOST: '127.0.0.1',
    SNOWFLAKE_PORT: String(port),
    SNOWFLAKE_PROTOCOL: 'http',
    // the stand-in cannot call a JavaScript UDF: user agents come from RAW.USER_AGENT_LOOKUP (docs/dbt.md)
    PDI_SNOWFLAKE_USER_AGENTS: 'lookup',
  };
  await createDatabase(python, env);
  return {
    env,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      running.delete(child);
    },
  };
}

/** A Snowflake account has its database before ./pdi comes: the stand-in starts with none. */
function createDatabase(python: string, env: Record<string, string>): Promise<void> {
  const script = `
import snowflake.connector
c = snowflake.connector.connect(account="x", user="x", password="x", host="127.0.0.1", port=${env.SNOWFLAKE_PORT}, protocol="http")
c.cursor().execute("create database if not exists ${env.SNOWFLAKE_DATABASE}")
`;
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`cannot create the database:\n${stderr}`)),
    );
  });
}
