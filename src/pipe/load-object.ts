import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { constants, createGunzip } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../warehouse/index.ts';
import { INSERT_ERRORS, INSERT_LOGS, STAGE_PARSED } from './mapping.ts';

export interface ObjectLoad {
  key: string;
  rows: number;
  errors: number;
  bytes: number;
  /** Already in the load history: nothing done. */
  skipped: boolean;
}

/**
 * Loads one lake object into RAW.LOGS exactly once: its rows, its damaged lines (RAW.LOAD_ERRORS) and its
 * load history row are written in one transaction, and an object already in the history is skipped.
 */
export async function loadObject(
  warehouse: Warehouse,
  lakeDir: string,
  key: string,
  loadedAt: Date,
): Promise<ObjectLoad> {
  const file = path.join(lakeDir, key);
  const bytes = (await stat(file)).size;
  const params = { key, loaded_at: loadedAt.toISOString().replace('Z', '') };
  return warehouse.withConnection(async (c) => {
    if (await alreadyLoaded(c, key)) return { key, rows: 0, errors: 0, bytes, skipped: true };
    let damage: string | null = null;
    let fast = false;
    try {
      await c.run(
        `create or replace temp table lines as select row_number() over () as n, line from ${readLines(file)}`,
      );
      fast = await matchesGzipSize(c, file);
    } catch {
      // reported by the slow path below
    }
    if (!fast) {
      // a damaged object (truncated gzip, bytes that are not text…): read it line by line instead
      damage = await stageLinesSlowly(c, file);
    }
    await c.run('begin transaction');
    try {
      if (await alreadyLoaded(c, key)) {
        await c.run('rollback');
        return { key, rows: 0, errors: 0, bytes, skipped: true };
      }
      await c.run(STAGE_PARSED);
      await c.run(INSERT_LOGS, params);
      await c.run(INSERT_ERRORS, params);
      if (damage) {
        await c.run(
          `insert into RAW.LOAD_ERRORS select $key, coalesce(max(n), 0) + 1, $reason, '', cast($loaded_at as timestamp) from lines`,
          { ...params, reason: damage },
        );
      }
      const [counts] = (
        await c.runAndReadAll(
          `select count(*) filter (where ok) as rows, count(*) filter (where not ok) + $damaged as errors from parsed`,
          { damaged: damage ? 1 : 0 },
        )
      ).getRowObjectsJson() as { rows: string; errors: string }[];
      const rows = Number(counts?.rows ?? 0);
      const errors = Number(counts?.errors ?? 0);
      await c.run(
        `insert into RAW.LOAD_HISTORY values ($key, $bytes, $rows, $errors, cast($loaded_at as timestamp), $status)`,
        { ...params, bytes, rows, errors, status: errors === 0 ? 'LOADED' : 'PARTIALLY_LOADED' },
      );
      await c.run('commit');
      return { key, rows, errors, bytes, skipped: false };
    } catch (error) {
      await c.run('rollback').catch(() => {});
      throw error;
    } finally {
      await c.run('drop table if exists lines; drop table if exists parsed').catch(() => {});
    }
  });
}

async function alreadyLoaded(c: DuckDBConnection, key: string): Promise<boolean> {
  const reader = await c.runAndReadAll('select 1 from RAW.LOAD_HISTORY where FILE_NAME = $key', { key });
  return reader.currentRowCount > 0;
}

/** An object's lines as DuckDB reads them: one column, no quoting, a separator JSON never holds raw. */
function readLines(file: string): string {
  return `read_csv('${file.replaceAll("'", "''")}', columns = {'line': 'VARCHAR'}, header = false, delim = '\\x1f',
    quote = '', escape = '', auto_detect = false, compression = 'gzip', max_line_size = 16777216)`;
}

/**
 * The slow path: gunzip in Node, keeping every complete line before the damage, into `lines`.
 * Returns what was wrong with the object as a whole (a truncated gzip), if anything.
 */
async function stageLinesSlowly(c: DuckDBConnection, file: string): Promise<string | null> {
  await c.run('create or replace temp table lines (n bigint, line varchar)');
  const appender = await c.createAppender('lines', null, 'temp');
  let damage: string | null = null;
  let n = 0;
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
    input: createReadStream(file).pipe(gunzip),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  try {
    for await (const line of lines) {
      n++;
      appender.appendBigInt(BigInt(n));
      appender.appendVarchar(line);
      appender.endRow();
    }
  } catch (error) {
    damage = `damaged gzip: ${(error as Error).message}`;
  }
  appender.flushSync();
  appender.closeSync();
  const declared = await declaredGzipSize(file);
  if (!damage && inflated % 2 ** 32 !== declared) {
    damage = `damaged gzip: ${inflated} bytes decompressed where its trailer declares ${declared} (truncated?)`;
  }
  return damage;
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

/**
 * DuckDB reads a truncated gzip without a word: check what it read against the size the gzip trailer
 * declares. The last line may lack its newline.
 */
async function matchesGzipSize(c: DuckDBConnection, file: string): Promise<boolean> {
  const declared = await declaredGzipSize(file);
  if (declared < 0) return false;
  const [row] = (
    await c.runAndReadAll('select coalesce(sum(octet_length(line)), 0) + count(*) as bytes from lines')
  ).getRowObjectsJson() as { bytes: string }[];
  const read = Number(row?.bytes ?? -1);
  return read % 2 ** 32 === declared || (read - 1) % 2 ** 32 === declared;
}
