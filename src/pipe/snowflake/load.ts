import { stat } from 'node:fs/promises';
import path from 'node:path';
import { SETTINGS, settingText } from '../../config/settings.ts';
import { listLakeObjects } from '../../stream/lake-reader.ts';
import type { SnowflakeSession } from '../../warehouse/snowflake/session.ts';
import { emptyLoadSummary, type LoadSummary } from '../summary.ts';
import { parseUserAgent, USER_AGENT_COLUMNS } from '../user-agents.ts';
import { copyLogsSql, SNOWFLAKE_RAW_SCHEMA_SQL } from './schema.ts';
import { createUserAgentUdfSql } from './user-agent-udf.ts';

/**
 * Creates what the pipe needs in Snowflake's RAW when missing. The user-agent UDF is replaced (it follows
 * node_modules), unless user agents are parsed into the lookup instead (PDI_SNOWFLAKE_USER_AGENTS=lookup).
 */
export async function ensureSnowflakeRaw(session: SnowflakeSession): Promise<void> {
  for (const statement of SNOWFLAKE_RAW_SCHEMA_SQL) await session.execute(statement);
  if (userAgentParser() === 'udf') await session.execute(createUserAgentUdfSql());
}

/** How Snowflake parses user agents: the UDF, or the lookup table that `./pdi load` fills. */
export function userAgentParser(): 'udf' | 'lookup' {
  const parser = settingText('snowflakeUserAgents');
  if (parser !== 'udf' && parser !== 'lookup')
    throw new Error(`${SETTINGS.snowflakeUserAgents.env} must be 'udf' or 'lookup', not '${parser}'`);
  return parser;
}

/**
 * The local lake's new objects into Snowflake's RAW.LOGS, each exactly once: those not in RAW.LOAD_HISTORY are
 * PUT into the stage RAW.LAKE under their own key, then COPYed with the Snowpipe's mapping. Snowflake's load
 * metadata skips an object already loaded (a run that stopped between the COPY and the history), and each COPY
 * result goes into RAW.LOAD_HISTORY. Loaded objects are purged from the stage (the lake keeps them).
 */
export async function loadNewObjectsToSnowflake(
  session: SnowflakeSession,
  lakeDir: string,
  options: { onObject?: (done: number, total: number) => void } = {},
): Promise<LoadSummary> {
  const started = Date.now();
  await ensureSnowflakeRaw(session);
  const [{ NOW: loadStarted }] = (await session.query('select sysdate() as NOW')) as [{ NOW: string }];
  const loaded = new Set(
    (await session.query('select FILE_NAME from RAW.LOAD_HISTORY')).map((r) => String(r.FILE_NAME)),
  );
  const keys = (await listLakeObjects(lakeDir, 'stream_data')).filter((key) => !loaded.has(key));
  const summary = emptyLoadSummary();
  const sizes = new Map<string, number>();
  for (const [done, key] of keys.entries()) {
    const file = path.join(lakeDir, key);
    sizes.set(key, (await stat(file)).size);
    await session.execute(
      `put ${sqlString(`file://${file}`)} @RAW.LAKE/${path.posix.dirname(key)}/ auto_compress = false overwrite = true`,
    );
    options.onObject?.(done + 1, keys.length);
  }
  if (keys.length === 0) return { ...summary, seconds: (Date.now() - started) / 1000 };
  // every staged object: the new ones, and any that a stopped run left (the load metadata skips those it loaded)
  const results = await session.query(
    copyLogsSql(
      '@RAW.LAKE/stream_data/',
      "file_format = (format_name = 'RAW.LAKE_OBJECTS') on_error = continue purge = true",
    ),
  );
  const history = results.map((result) => {
    const r = Object.fromEntries(Object.entries(result).map(([name, value]) => [name.toLowerCase(), value]));
    const key = keyOf(String(r.file));
    const status = String(r.status);
    const rows = Number(r.rows_loaded ?? 0);
    const errors = status === 'LOAD_SKIPPED' ? 0 : Number(r.errors_seen ?? 0);
    if (status !== 'LOAD_SKIPPED') {
      summary.objects++;
      summary.rows += rows;
      summary.errors += errors;
    }
    const firstError = r.first_error && status !== 'LOAD_SKIPPED' ? sqlString(String(r.first_error)) : 'null';
    return `(${sqlString(key)}, ${sizes.get(key) ?? 'null'}, ${rows}, ${errors}, sysdate(), ${sqlString(status)}, ${firstError})`;
  });
  if (history.length > 0) await session.execute(`insert into RAW.LOAD_HISTORY values ${history.join(', ')}`);
  if (userAgentParser() === 'lookup') summary.userAgents = await addNewUserAgents(session, loadStarted);
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

/** A COPY result names a file by its path in the stage, which may start with the stage's name. */
function keyOf(file: string): string {
  const at = file.indexOf('stream_data/');
  return at >= 0 ? file.slice(at) : file;
}

/**
 * RAW.USER_AGENT_LOOKUP for the user agents of the rows just loaded that are not in it yet, parsed here by the
 * ua-parser-js that the UDF RAW.PARSE_USER_AGENT inlines: for a Snowflake that cannot run the UDF (docs/dbt.md).
 */
async function addNewUserAgents(session: SnowflakeSession, loadedSince: string): Promise<number> {
  const rows = await session.query(`select distinct DATA:context.user_agent::varchar as USER_AGENT
from RAW.LOGS
where LOG_TIMESTAMP >= ${sqlString(loadedSince)}::timestamp_ntz and DATA:context.user_agent is not null
  and DATA:context.user_agent::varchar not in (select USER_AGENT from RAW.USER_AGENT_LOOKUP)`);
  const values = rows.map(
    (r) =>
      `(${parseUserAgent(String(r.USER_AGENT))
        .map((v) => (v === null ? 'null' : sqlString(v)))
        .join(', ')})`,
  );
  for (let i = 0; i < values.length; i += 500) {
    await session.execute(
      `insert into RAW.USER_AGENT_LOOKUP (${USER_AGENT_COLUMNS.join(', ')}) values ${values.slice(i, i + 500).join(', ')}`,
    );
  }
  return values.length;
}

/** A Snowflake string literal. */
function sqlString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}
