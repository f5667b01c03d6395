import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { SNOWFLAKE_SETTINGS } from '../../config/settings.ts';
import { ensurePythonEnv } from '../dbt/index.ts';

/** A setting that is missing or refused: said in one line, naming the variable. */
export class SnowflakeSettingsError extends Error {
  override name = 'SnowflakeSettingsError';
}

/**
 * The environment that every Snowflake client of the project sees (this session, dbt): the user's SNOWFLAKE_*
 * variables with the defaults filled in. Throws naming the first required variable that is missing.
 */
export function snowflakeEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const value = (name: keyof typeof SNOWFLAKE_SETTINGS) =>
    env[SNOWFLAKE_SETTINGS[name].env]?.trim() || undefined;
  for (const name of ['account', 'user'] as const) {
    if (!value(name))
      throw new SnowflakeSettingsError(
        `${SNOWFLAKE_SETTINGS[name].env} is not set: the Snowflake ${SNOWFLAKE_SETTINGS[name].doc}`,
      );
  }
  if (!value('password') && !value('privateKeyPath'))
    throw new SnowflakeSettingsError(
      `${SNOWFLAKE_SETTINGS.password.env} is not set (nor ${SNOWFLAKE_SETTINGS.privateKeyPath.env} for a key pair)`,
    );
  const resolved: Record<string, string> = {};
  for (const [name, setting] of Object.entries(SNOWFLAKE_SETTINGS)) {
    const given =
      value(name as keyof typeof SNOWFLAKE_SETTINGS) ?? ('default' in setting ? setting.default : undefined);
    if (given !== undefined) resolved[setting.env] = given;
  }
  return resolved;
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/**
 * One Snowflake session: statements run one at a time, in order, through the Python connector that
 * dbt-snowflake installs (`session.py`).
 */
export class SnowflakeSession {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: AsyncIterator<string>,
    private readonly reader: Interface,
  ) {}

  /** Logs in with the SNOWFLAKE_* environment; a refused login rejects with the connector's reason. */
  static async open(env: NodeJS.ProcessEnv = process.env): Promise<SnowflakeSession> {
    const settings = snowflakeEnvironment(env);
    const { env: python } = await ensurePythonEnv();
    const child = spawn(python.python, [path.join(import.meta.dirname, 'session.py')], {
      env: { ...process.env, ...settings },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const lines = reader[Symbol.asyncIterator]();
    const session = new SnowflakeSession(child, lines, reader);
    const first = await session.next().catch((error: Error) => {
      throw new Error(`${error.message}${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`);
    });
    if ('error' in first) {
      child.kill();
      throw new SnowflakeSettingsError(
        `Snowflake refused the login (${settings.SNOWFLAKE_USER} on ${settings.SNOWFLAKE_ACCOUNT}): ${first.error}`,
      );
    }
    return session;
  }

  /** Runs one statement; rows as objects keyed by column name (as Snowflake names them: upper case). */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    const { columns, rows } = await this.execute(sql);
    return rows.map((row) => Object.fromEntries(columns.map((column, i) => [column, row[i]])));
  }

  /** Runs one statement; its columns and rows as they come. */
  execute(sql: string): Promise<QueryResult> {
    const result = this.queue.then(async () => {
      this.child.stdin?.write(`${JSON.stringify({ sql })}\n`);
      const answer = await this.next();
      if ('error' in answer) throw new Error(`${String(answer.error)}\n  in: ${sql.trim().split('\n')[0]}`);
      return answer as unknown as QueryResult;
    });
    this.queue = result.catch(() => {});
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    this.child.stdin?.end();
    await new Promise((resolve) =>
      this.child.exitCode !== null ? resolve(null) : this.child.once('close', resolve),
    );
    this.reader.close();
  }

  private async next(): Promise<Record<string, unknown>> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('the Snowflake session ended');
    return JSON.parse(value) as Record<string, unknown>;
  }
}
