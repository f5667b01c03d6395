import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * The live views' staged hits on DuckDB, which has no materialized views: dbt builds them as tables at each run
 * (EVENTS_LIVE.NEW_HITS, the raw rows loaded since, staged; EVENTS_LIVE.LOGS_STAGED, their clients' hits
 * sessionized; EVENTS_LIVE.KEPT_LOGS, those clients' rows of EVENTS.LOGS), and after each load (or a build's
 * catch-up) this adds the new hits to them from dbt's views: parsed once, and only their clients sessionized
 * again, so that a load costs what it brings and a read of the live views a scan.
 */
const LIVE = 'EVENTS_LIVE';
const LOGS = 'EVENTS.LOGS';

/**
 * Adds the hits loaded since the staged ones (`UNSTAGED_HITS`) to `NEW_HITS`, and the EVENTS.LOGS rows of the
 * clients new to it to `KEPT_LOGS`, then replaces the rows of their clients in `LOGS_STAGED` with
 * `LOGS_RESTAGING`'s (those clients' hits sessionized again), in one transaction. Returns false, doing nothing,
 * before dbt has first built the tables.
 */
export async function stageNewHits(c: DuckDBConnection): Promise<boolean> {
  if (!(await built(c, ['NEW_HITS', 'KEPT_LOGS', 'LOGS_STAGED']))) return false;
  await c.run('begin transaction');
  try {
    await c.run(`insert into ${LIVE}.NEW_HITS select * from ${LIVE}.UNSTAGED_HITS`);
    await keepLogsOfArrivingClients(c);
    await c.run(`create or replace temp table restaged as select * from ${LIVE}.LOGS_RESTAGING`);
    await c.run(`delete from ${LIVE}.LOGS_STAGED where client_id in (select client_id from restaged)`);
    await c.run(`insert into ${LIVE}.LOGS_STAGED select * from restaged`);
    await c.run('commit');
  } catch (error) {
    await c.run('rollback').catch(() => {});
    throw error;
  } finally {
    await c.run('drop table if exists restaged; drop table if exists arriving').catch(() => {});
  }
  return true;
}

/**
 * Copies to `KEPT_LOGS` the EVENTS.LOGS rows of the clients that the hits just added to `NEW_HITS` bring for the
 * first time since the last run: those not yet in `LOGS_STAGED` (which holds every client staged before, whose
 * rows were kept then) nor in `KEPT_LOGS` (never copied twice). DuckDB scans every column of every row to join
 * EVENTS.LOGS on a few clients, so their rows are found by the client column alone, then read by position, only
 * the ranges that hold them: the rows of clients seen lately lie in the newest part of EVENTS.LOGS (appended
 * run after run); a client back after weeks widens the ranges, up to a full scan at worst.
 */
async function keepLogsOfArrivingClients(c: DuckDBConnection): Promise<void> {
  await c.run(`create or replace temp table arriving as
    select distinct added.client_id
    from ${LIVE}.NEW_HITS added
    where not exists (select 1 from ${LIVE}.LOGS_STAGED staged where staged.client_id = added.client_id)
      and not exists (select 1 from ${LIVE}.KEPT_LOGS kept where kept.client_id = added.client_id)`);
  const found = await c.runAndReadAll(
    `select rowid as row from ${LOGS} where client_id in (select client_id from arriving) order by rowid`,
  );
  const rows = found.getRows().map(([row]) => Number(row));
  if (rows.length === 0) return;
  const where = rowRanges(rows)
    .map(([first, last]) => `rowid between ${first} and ${last}`)
    .join(' or ');
  await c.run(`insert into ${LIVE}.KEPT_LOGS select * from ${LOGS}
    where (${where}) and client_id in (select client_id from arriving)`);
}

/**
 * Sorted row numbers as at most `maxRanges` ranges [first, last] that cover them: rows closer than a vector of
 * DuckDB's (2,048 rows, the least it reads) share a range, and the gap doubles until the ranges are few enough
 * (each is a condition of the query that reads them).
 */
export function rowRanges(rows: readonly number[], maxRanges = 64): [number, number][] {
  for (let gap = 2048; ; gap *= 2) {
    const ranges: [number, number][] = [];
    for (const row of rows) {
      const last = ranges.at(-1);
      if (last && row - last[1] <= gap) last[1] = row;
      else ranges.push([row, row]);
    }
    if (ranges.length <= maxRanges) return ranges;
  }
}

/** Takes out of `NEW_HITS` the staged rows of raw rows about to be deleted (`rawLogIds`: a query of LOG_IDs). */
export async function unstageHits(c: DuckDBConnection, rawLogIds: string): Promise<void> {
  if (!(await built(c, ['NEW_HITS']))) return;
  await c.run(`delete from ${LIVE}.NEW_HITS where log_id in (${rawLogIds})`);
}

/** Whether dbt has built each of these EVENTS_LIVE tables in this warehouse (not in a copy attached to it). */
async function built(c: DuckDBConnection, tables: string[]): Promise<boolean> {
  const reader = await c.runAndReadAll(
    `select count(*)::int as n from duckdb_tables()
     where database_name = current_database() and schema_name = '${LIVE}'
       and table_name in (${tables.map((t) => `'${t}'`).join(', ')})`,
  );
  return reader.getRowObjects()[0]?.n === tables.length;
}
