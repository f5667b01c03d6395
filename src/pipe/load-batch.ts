import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { constants, createGunzip } from 'node:zlib';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { LakeObject } from './lake/lake.ts';
import { INSERT_ERRORS, INSERT_LOGS, PARSED_LINES, PARSED_VIEW } from './mapping.ts';
import { parseUserAgent, userAgentLookupColumnsSql } from './user-agents.ts';

export interface ObjectLoad {
  key: string;
  rows: number;
  errors: number;
  bytes: number;
  /** Already in the load history: nothing done. */
  skipped: boolean;
}

export interface BatchLoad {
  objects: ObjectLoad[];
  /** User agents seen for the first time, parsed into RAW.USER_AGENT_LOOKUP. */
  userAgents: number;
}

/**
 * Loads lake objects into RAW.LOGS exactly once, on connection `c`. One statement reads every object of the
 * batch (DuckDB gunzips and parses them in parallel); the rows, the damaged lines (RAW.LOAD_ERRORS), the
 * user agents seen for the first time and one load history row per object are written in one transaction,
 * and objects already in the history are skipped.
 */
export async function loadBatch(
  c: DuckDBConnection,
  objects: LakeObject[],
  loadedAt: Date,
): Promise<BatchLoad> {
  const loaded_at = loadedAt.toISOString().replace('Z', '');
  const fresh = await notYetLoaded(c, objects);
  const skipped = objects.filter((o) => !fresh.includes(o)).map((o) => skippedLoad(o));
  if (fresh.length === 0) return { objects: skipped, userAgents: 0 };
  try {
    await stageBatch(c, fresh);
    const userAgents = await stageNewUserAgents(c);
    await c.run('begin transaction');
    try {
      // a concurrent load may have committed some of them meanwhile
      await c.run('delete from batch_objects where key in (select FILE_NAME from RAW.LOAD_HISTORY)');
      await c.run(INSERT_LOGS, { loaded_at });
      await c.run(INSERT_ERRORS, { loaded_at });
      await c.run(`create or replace temp table batch_counts as
        select o.key, o.bytes, o.damage, count(p.n) as lines,
          count(p.n) filter (where p.reason is null) as rows,
          count(p.n) filter (where p.reason is not null) + (o.damage is not null)::int as errors
        from batch_objects o left join parsed p using (key) group by o.key, o.bytes, o.damage`);
      // a damaged object's error comes after its last complete line
      await c.run(
        `insert into RAW.LOAD_ERRORS
         select key, lines + 1, damage, '', cast($loaded_at as timestamp)
         from batch_counts where damage is not null`,
        { loaded_at },
      );
      await c.run(
        `insert into RAW.LOAD_HISTORY
         select key, bytes, rows, errors, cast($loaded_at as timestamp),
           case when errors = 0 then 'LOADED' else 'PARTIALLY_LOADED' end
         from batch_counts`,
        { loaded_at },
      );
      await c.run('insert into RAW.USER_AGENT_LOOKUP select * from new_user_agents on conflict do nothing');
      await c.run('commit');
    } catch (error) {
      await c.run('rollback').catch(() => {});
      throw error;
    }
    const counts = (
      await c.runAndReadAll('select key, bytes, rows, errors from batch_counts')
    ).getRowObjectsJson() as { key: string; bytes: string; rows: string; errors: string }[];
    const done = new Map(counts.map((r) => [r.key, r]));
    return {
      objects: [
        ...skipped,
        ...fresh.map((o) => {
          const r = done.get(o.key);
          if (!r) return skippedLoad(o);
          return {
            key: o.key,
            bytes: o.bytes,
            rows: Number(r.rows),
            errors: Number(r.errors),
            skipped: false,
          };
        }),
      ],
      userAgents,
    };
  } finally {
    await c
      .run(
        'drop view if exists parsed; drop table if exists batch_objects; drop table if exists batch_lines; ' +
          'drop table if exists slow_lines; ' +
          'drop table if exists new_user_agents; drop table if exists batch_counts',
      )
      .catch(() => {});
  }
}

function skippedLoad(o: LakeObject): ObjectLoad {
  return { key: o.key, bytes: o.bytes, rows: 0, errors: 0, skipped: true };
}

async function notYetLoaded(c: DuckDBConnection, objects: LakeObject[]): Promise<LakeObject[]> {
  const keys = objects.map((o) => `'${sqlString(o.key)}'`).join(', ');
  const loaded = new Set(
    (await c.runAndReadAll(`select FILE_NAME from RAW.LOAD_HISTORY where FILE_NAME in (${keys})`))
      .getRowObjectsJson()
      .map((r) => String(r.FILE_NAME)),
  );
  return objects.filter((o) => !loaded.has(o.key));
}

/**
 * Fills the temp tables `batch_objects (object, key, file, bytes, declared, damage, first)` and
 * `batch_lines (object, line, f, reason)`, and makes the view `parsed` over them (see mapping.ts). Every
 * object is read by DuckDB at once; an object that it cannot read whole (a truncated gzip, bytes that are
 * not text…) is read again line by line in Node, keeping each complete line before the damage.
 */
async function stageBatch(c: DuckDBConnection, objects: LakeObject[]): Promise<void> {
  const declared = await Promise.all(objects.map((o) => declaredGzipSize(o.file)));
  await c.run(
    `create or replace temp table batch_objects (
       object integer, key varchar, file varchar, bytes bigint, declared bigint, damage varchar, first bigint)`,
  );
  const appender = await c.createAppender('batch_objects', null, 'temp');
  objects.forEach((o, i) => {
    appender.appendInteger(i);
    appender.appendVarchar(o.key);
    appender.appendVarchar(o.file);
    appender.appendBigInt(BigInt(o.bytes));
    appender.appendBigInt(BigInt(declared[i] ?? -1));
    appender.appendNull();
    appender.appendNull();
    appender.endRow();
  });
  appender.flushSync();
  appender.closeSync();

  let readWhole: number[] = [];
  try {
    // the read is parallel and its rows land in read order (the files' order, each file's line order), so
    // the table's rowids number each object's lines; numbering them in the read itself would serialize it.
    // Each line is parsed as it is read, once; `object` is the file's place in the read's list.
    await c.run(
      `create or replace temp table batch_lines as
       ${PARSED_LINES(`(select file_index::integer as object, line from ${readObjects(objects)})`)}`,
    );
    // DuckDB reads a truncated gzip without a word: check what it read against the size that the gzip
    // trailer declares (mod 2^32); the last line may lack its newline
    readWhole = (
      (
        await c.runAndReadAll(`
          with read_bytes as (select object, sum(strlen(line) + 1) as bytes from batch_lines group by object)
          select o.object from batch_objects o left join read_bytes r using (object)
          where coalesce(r.bytes, 0) % 4294967296 = o.declared
             or coalesce(r.bytes, 0) > 0 and (r.bytes - 1) % 4294967296 = o.declared`)
      ).getRowObjectsJson() as { object: number }[]
    ).map((r) => r.object);
  } catch (error) {
    // a mistake in the statement itself is no damaged object
    if (/^(Parser|Binder|Catalog) Error/.test((error as Error).message)) throw error;
    // one object could not be read at all: each one goes the slow way below
    await c.run(
      `create or replace temp table batch_lines as
       ${PARSED_LINES("(select 0 as object, ''::varchar as line limit 0)")}`,
    );
  }
  const whole = new Set(readWhole);
  const damaged = objects.flatMap((o, object) =>
    whole.has(object) ? [] : [{ ...o, object, declared: declared[object] ?? -1 }],
  );
  if (damaged.length > 0) {
    const damagedObjects = damaged.map((o) => o.object).join(', ');
    await c.run(`delete from batch_lines where object in (${damagedObjects})`);
    await c.run('create or replace temp table slow_lines (object integer, line varchar)');
    for (const o of damaged) {
      const damage = await appendLinesSlowly(c, o);
      if (damage) {
        await c.run('update batch_objects set damage = $damage where object = $object', {
          damage,
          object: o.object,
        });
      }
    }
    // in the order appended: each object's lines together, after the fast read's
    await c.run(`insert into batch_lines ${PARSED_LINES('slow_lines')}`);
  }
  await c.run(`update batch_objects o set first = l.first
    from (select object, min(rowid) as first from batch_lines group by object) l where l.object = o.object`);
  await c.run(PARSED_VIEW);
}

/** Every object's lines, in order. */
function readObjects(objects: LakeObject[]): string {
  const files = objects.map((o) => `'${sqlString(o.file)}'`).join(', ');
  return `read_csv([${files}], columns = {'line': 'VARCHAR'}, header = false, delim = '\\x1f', quote = '',
    escape = '', auto_detect = false, compression = 'gzip', max_line_size = 16777216)`;
}

/**
 * The slow path: gunzip in Node, appending every complete line before the damage to `slow_lines`. Returns
 * what was wrong with the object as a whole (a truncated gzip), if anything.
 */
async function appendLinesSlowly(
  c: DuckDBConnection,
  object: LakeObject & { object: number; declared: number },
): Promise<string | null> {
  const appender: DuckDBAppender = await c.createAppender('slow_lines', null, 'temp');
  let damage: string | null = null;
  // Z_SYNC_FLUSH: hand over what was decompressed even when the stream ends early
  const gunzip = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
  gunzip.on('error', (error) => {
    damage = `damaged gzip: ${error.message}`;
  });
  let inflated = 0;
  gunzip.on('data', (chunk: Buffer) => {
    inflated += chunk.length;
  });
  const lines = createInterface({
    input: createReadStream(object.file).pipe(gunzip),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  try {
    for await (const line of lines) {
      appender.appendInteger(object.object);
      appender.appendVarchar(line);
      appender.endRow();
    }
  } catch (error) {
    damage = `damaged gzip: ${(error as Error).message}`;
  }
  appender.flushSync();
  appender.closeSync();
  if (!damage && inflated % 2 ** 32 !== object.declared) {
    damage = `damaged gzip: ${inflated} bytes decompressed where its trailer declares ${object.declared} (truncated?)`;
  }
  return damage;
}

/** The user agents of `parsed` not yet in the lookup, parsed with ua-parser-js into `new_user_agents`. */
async function stageNewUserAgents(c: DuckDBConnection): Promise<number> {
  const fresh = (
    await c.runAndReadAll(`
      select distinct USER_AGENT as ua from parsed where reason is null and USER_AGENT is not null
      except select USER_AGENT from RAW.USER_AGENT_LOOKUP`)
  ).getRowObjectsJson() as { ua: string }[];
  await c.run(`create or replace temp table new_user_agents (${userAgentLookupColumnsSql()})`);
  const appender = await c.createAppender('new_user_agents', null, 'temp');
  for (const { ua } of fresh) {
    for (const value of parseUserAgent(ua)) {
      if (value === null) appender.appendNull();
      else appender.appendVarchar(value);
    }
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
  return fresh.length;
}

/** The uncompressed size mod 2^32 that a gzip's trailer declares (its last 4 bytes); -1 when too short. */
async function declaredGzipSize(file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size < 18) return -1;
    const trailer = Buffer.alloc(4);
    await handle.read(trailer, 0, 4, size - 4);
    return trailer.readUInt32LE(0);
  } finally {
    await handle.close();
  }
}

function sqlString(value: string): string {
  return value.replaceAll("'", "''");
}
