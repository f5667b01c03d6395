import { stat } from 'node:fs/promises';
import path from 'node:path';
import { listLakeObjects } from '../stream/lake-reader.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { type LakeObject, loadBatch, type ObjectLoad } from './load-batch.ts';
import { RAW_SCHEMA_SQL } from './schema.ts';

export interface LoadSummary {
  objects: number;
  rows: number;
  errors: number;
  userAgents: number;
  seconds: number;
}

export interface LoadOptions {
  onObject?: (load: ObjectLoad, done: number, total: number) => void;
  /** Only keys for which this returns true (replay of a time range). */
  filter?: (key: string) => boolean;
  /** Gzip bytes per batch (one read and one transaction); a larger batch loads faster and holds more memory. */
  batchBytes?: number;
}

/** About 600 MB of text per batch (DuckDB spills what does not fit in memory). */
const DEFAULT_BATCH_BYTES = 64 * 2 ** 20;
const MAX_BATCH_OBJECTS = 1000;

export async function ensureRawSchema(warehouse: Warehouse): Promise<void> {
  await warehouse.run(RAW_SCHEMA_SQL);
}

/** Snowpipe's job: every lake object under `stream_data/` not yet in the load history, loaded once. */
export async function loadNewObjects(
  warehouse: Warehouse,
  lakeDir: string,
  options: LoadOptions = {},
): Promise<LoadSummary> {
  const started = Date.now();
  await ensureRawSchema(warehouse);
  const loaded = new Set(
    (await warehouse.query('select FILE_NAME from RAW.LOAD_HISTORY')).map((r) => String(r.FILE_NAME)),
  );
  const keys = (await listLakeObjects(lakeDir, 'stream_data')).filter(
    (key) => !loaded.has(key) && (options.filter?.(key) ?? true),
  );
  const summary: LoadSummary = { objects: 0, rows: 0, errors: 0, userAgents: 0, seconds: 0 };
  const loadedAt = new Date();
  let done = 0;
  for await (const batch of batches(lakeDir, keys, options.batchBytes ?? DEFAULT_BATCH_BYTES)) {
    const loaded = await warehouse.withConnection((c) => loadBatch(c, batch, loadedAt));
    summary.userAgents += loaded.userAgents;
    for (const load of loaded.objects) {
      if (!load.skipped) {
        summary.objects++;
        summary.rows += load.rows;
        summary.errors += load.errors;
      }
      options.onObject?.(load, ++done, keys.length);
    }
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

/** The objects of `keys`, in order, grouped into batches of about `batchBytes` gzip bytes. */
async function* batches(lakeDir: string, keys: string[], batchBytes: number): AsyncGenerator<LakeObject[]> {
  let batch: LakeObject[] = [];
  let bytes = 0;
  for (const key of keys) {
    const file = path.join(lakeDir, key);
    const size = (await stat(file)).size;
    if (batch.length > 0 && (bytes + size > batchBytes || batch.length >= MAX_BATCH_OBJECTS)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push({ key, file, bytes: size });
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** The UTC hour of an object, from its `stream_data/YYYY/MM/DD/HH/` folder. */
export function objectHourMs(key: string): number | null {
  const m = /^stream_data\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\//.exec(key);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4])) : null;
}

/**
 * Rebuilds RAW.LOGS from the lake, all of it or the objects whose hour is in [from, to): their rows,
 * errors and history are deleted, then loaded again. The same objects give the same rows and LOG_IDs;
 * LOG_TIMESTAMP becomes the replay's time, which is what tells dbt to process them again.
 */
export async function replayLake(
  warehouse: Warehouse,
  lakeDir: string,
  range: { fromMs?: number; toMs?: number } = {},
  options: Omit<LoadOptions, 'filter'> = {},
): Promise<LoadSummary> {
  await ensureRawSchema(warehouse);
  const inRange = (key: string) => {
    const hour = objectHourMs(key);
    if (hour === null) return range.fromMs === undefined && range.toMs === undefined;
    return (
      (range.fromMs === undefined || hour >= range.fromMs) && (range.toMs === undefined || hour < range.toMs)
    );
  };
  const keys = (await listLakeObjects(lakeDir, 'stream_data')).filter(inRange);
  await warehouse.withConnection(async (c) => {
    await c.run('begin transaction');
    try {
      await c.run('create or replace temp table replayed (key varchar)');
      const appender = await c.createAppender('replayed', null, 'temp');
      for (const key of keys) {
        appender.appendVarchar(key);
        appender.endRow();
      }
      appender.flushSync();
      appender.closeSync();
      await c.run('delete from RAW.LOGS where LOG_FILENAME in (select key from replayed)');
      await c.run('delete from RAW.LOAD_ERRORS where FILE_NAME in (select key from replayed)');
      await c.run('delete from RAW.LOAD_HISTORY where FILE_NAME in (select key from replayed)');
      await c.run('commit');
    } catch (error) {
      await c.run('rollback').catch(() => {});
      throw error;
    }
  });
  const keySet = new Set(keys);
  return loadNewObjects(warehouse, lakeDir, { ...options, filter: (key) => keySet.has(key) });
}
