import type { DuckDBConnection } from '@duckdb/node-api';
import { stageNewHits, unstageHits, type Warehouse } from '../warehouse/index.ts';
import { type Lake, type LakeListing, localLake } from './lake/lake.ts';
import { LakeScanner } from './lake/lake-scanner.ts';
import { loadBatch, type ObjectLoad } from './load-batch.ts';
import { RAW_SCHEMA_SQL } from './schema.ts';
import { emptyLoadSummary, type LoadSummary } from './summary.ts';

export type { LoadSummary } from './summary.ts';

export interface LoadOptions {
  onObject?: (load: ObjectLoad, done: number, total: number) => void;
  /** Only keys for which this returns true (replay of a time range). */
  filter?: (key: string) => boolean;
  /** Gzip bytes per batch (one read and one transaction); a larger batch loads faster and holds more memory. */
  batchBytes?: number;
  /**
   * Lists the new objects of a local lake in place of a listing of the whole lake checked against the whole
   * load history (`lakeScanner`): for a pipe that loads again and again, the only one loading this warehouse.
   */
  scanner?: LakeScanner;
}

/** About 600 MB of text per batch (DuckDB spills what does not fit in memory). */
const DEFAULT_BATCH_BYTES = 64 * 2 ** 20;
const MAX_BATCH_OBJECTS = 1000;

/** The warehouses (open in this process) whose RAW schema is made: the pipe of `up` loads twice a second. */
const rawSchemaMade = new WeakSet<Warehouse>();

/**
 * RAW's tables made when missing and its macros as this code defines them, once per open warehouse (a build's
 * copy that takes the file's place is a copy of it, RAW included).
 */
export async function ensureRawSchema(warehouse: Warehouse): Promise<void> {
  if (rawSchemaMade.has(warehouse)) return;
  await warehouse.run(RAW_SCHEMA_SQL);
  rawSchemaMade.add(warehouse);
}

/**
 * Snowpipe's job: every lake object under `stream_data/` not yet in the load history, loaded once. The lake is
 * a folder or an S3 bucket (`openLake`); a remote lake's next batch is fetched while this one loads. Then, when
 * something was loaded, its hits are staged for the live views (`stageNewHits`), so that EVENTS_LIVE follows RAW.LOGS.
 */
export async function loadNewObjects(
  warehouse: Warehouse,
  lake: Lake | string,
  options: LoadOptions = {},
): Promise<LoadSummary> {
  const started = Date.now();
  const source = typeof lake === 'string' ? localLake(lake) : lake;
  await ensureRawSchema(warehouse);
  const wanted = (key: string) => options.filter?.(key) ?? true;
  const listings = options.scanner
    ? (await options.scanner.listNew('stream_data')).filter((o) => wanted(o.key))
    : await listNewObjects(warehouse, source, wanted);
  const summary = emptyLoadSummary();
  const loadedAt = new Date();
  let done = 0;
  const groups = batches(listings, options.batchBytes ?? DEFAULT_BATCH_BYTES);
  let next = groups.length > 0 ? source.fetch(groups[0] as LakeListing[]) : null;
  for (let i = 0; next; i++) {
    const fetched = await next;
    // the next batch travels while this one loads; a failed fetch stops the load after this batch
    next = i + 1 < groups.length ? source.fetch(groups[i + 1] as LakeListing[]) : null;
    next?.catch(() => {});
    try {
      const batch = await warehouse.withConnection((c) => loadBatch(c, fetched.objects, loadedAt));
      options.scanner?.loaded(batch.objects.map((o) => o.key));
      summary.userAgents += batch.userAgents;
      for (const load of batch.objects) {
        if (!load.skipped) {
          summary.objects++;
          summary.rows += load.rows;
          summary.errors += load.errors;
        }
        options.onObject?.(load, ++done, listings.length);
      }
    } catch (error) {
      await next?.then((n) => n.release()).catch(() => {});
      throw error;
    } finally {
      await fetched.release();
    }
  }
  if (summary.objects > 0) {
    const restaging = performance.now();
    try {
      if (await warehouse.withConnection(stageNewHits)) {
        summary.stagedSeconds = (performance.now() - restaging) / 1000;
      }
    } catch (error) {
      summary.stagedError =
        `the live views' staged hits (EVENTS_LIVE.NEW_HITS, KEPT_LOGS, LOGS_STAGED) could not be brought up to date: ${(error as Error).message}. ` +
        'The next load that finds new objects, or `./pdi transform`, brings them.';
    }
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

/** The objects of the lake that the load history does not hold and that `wanted` keeps, in key order. */
async function listNewObjects(
  warehouse: Warehouse,
  lake: Lake,
  wanted: (key: string) => boolean,
): Promise<LakeListing[]> {
  const loaded = new Set(
    (await warehouse.query('select FILE_NAME from RAW.LOAD_HISTORY')).map((r) => String(r.FILE_NAME)),
  );
  return lake.list('stream_data', (key) => loaded.has(key) || !wanted(key));
}

/**
 * A scanner of the local lake at `lakeDir` for the pipe that owns `warehouse` (`up`): each folder's loaded
 * objects read from the load history once, by key prefix.
 */
export function lakeScanner(warehouse: Warehouse, lakeDir: string): LakeScanner {
  return new LakeScanner(lakeDir, async (folder) =>
    (
      await warehouse.query('select FILE_NAME from RAW.LOAD_HISTORY where starts_with(FILE_NAME, $1)', [
        `${folder}/`,
      ])
    ).map((r) => String(r.FILE_NAME)),
  );
}

/** The objects, in order, grouped into batches of about `batchBytes` gzip bytes. */
function batches(listings: LakeListing[], batchBytes: number): LakeListing[][] {
  const groups: LakeListing[][] = [];
  let batch: LakeListing[] = [];
  let bytes = 0;
  for (const listing of listings) {
    if (batch.length > 0 && (bytes + listing.bytes > batchBytes || batch.length >= MAX_BATCH_OBJECTS)) {
      groups.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(listing);
    bytes += listing.bytes;
  }
  if (batch.length > 0) groups.push(batch);
  return groups;
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
  lake: Lake | string,
  range: { fromMs?: number; toMs?: number } = {},
  options: Omit<LoadOptions, 'filter'> = {},
): Promise<LoadSummary> {
  const source = typeof lake === 'string' ? localLake(lake) : lake;
  await ensureRawSchema(warehouse);
  const inRange = (key: string) => {
    const hour = objectHourMs(key);
    if (hour === null) return range.fromMs === undefined && range.toMs === undefined;
    return (
      (range.fromMs === undefined || hour >= range.fromMs) && (range.toMs === undefined || hour < range.toMs)
    );
  };
  const keys = (await source.list('stream_data')).map((o) => o.key).filter(inRange);
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
      // the live views' staged copies of the rows go with them (loaded again, they are staged again)
      await unstageHits(c, 'select LOG_ID from RAW.LOGS where LOG_FILENAME in (select key from replayed)');
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
  return loadNewObjects(warehouse, source, { ...options, filter: (key) => keySet.has(key) });
}

/**
 * Brings into `catalog` (an attached copy of this warehouse, made earlier: the one dbt built meanwhile) the loads
 * made here since the copy: the objects in this load history and not in the copy's, with their rows, damaged
 * lines and history, and the user agents seen since, in one transaction. Every object stays loaded once.
 */
export async function copyNewLoads(c: DuckDBConnection, catalog: string): Promise<void> {
  const newObjects = `(select FILE_NAME from RAW.LOAD_HISTORY except select FILE_NAME from ${catalog}.RAW.LOAD_HISTORY)`;
  await c.run('begin transaction');
  try {
    await c.run(`insert into ${catalog}.RAW.LOGS select * from RAW.LOGS where LOG_FILENAME in ${newObjects}`);
    await c.run(
      `insert into ${catalog}.RAW.LOAD_ERRORS select * from RAW.LOAD_ERRORS where FILE_NAME in ${newObjects}`,
    );
    await c.run(
      `insert into ${catalog}.RAW.USER_AGENT_LOOKUP select * from RAW.USER_AGENT_LOOKUP on conflict do nothing`,
    );
    await c.run(
      `insert into ${catalog}.RAW.LOAD_HISTORY select * from RAW.LOAD_HISTORY where FILE_NAME in ${newObjects}`,
    );
    await c.run('commit');
  } catch (error) {
    await c.run('rollback').catch(() => {});
    throw error;
  }
}
