import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * The live views' staged hits on DuckDB, which has no materialized views: dbt builds them as tables at each run
 * (EVENTS_LIVE.NEW_HITS, the raw rows loaded since, staged; EVENTS_LIVE.LOGS_STAGED, their clients' hits
 * sessionized), and after each load (or a build's catch-up) this adds the new hits to them from dbt's views:
 * parsed once, and only their clients sessionized again, so that a load costs what it brings and a read of
 * the live views a scan.
 */
const LIVE = 'EVENTS_LIVE';

/**
 * Adds the hits loaded since the staged ones (`UNSTAGED_HITS`) to `NEW_HITS`, then replaces the rows of their
 * clients in `LOGS_STAGED` with `LOGS_RESTAGING`'s (those clients' hits sessionized again), in one transaction.
 * Returns false, doing nothing, before dbt has first built the tables.
 */
export async function stageNewHits(c: DuckDBConnection): Promise<boolean> {
  if (!(await built(c, ['NEW_HITS', 'LOGS_STAGED']))) return false;
  await c.run('begin transaction');
  try {
    await c.run(`insert into ${LIVE}.NEW_HITS select * from ${LIVE}.UNSTAGED_HITS`);
    await c.run(`create or replace temp table restaged as select * from ${LIVE}.LOGS_RESTAGING`);
    await c.run(`delete from ${LIVE}.LOGS_STAGED where client_id in (select client_id from restaged)`);
    await c.run(`insert into ${LIVE}.LOGS_STAGED select * from restaged`);
    await c.run('commit');
  } catch (error) {
    await c.run('rollback').catch(() => {});
    throw error;
  } finally {
    await c.run('drop table if exists restaged').catch(() => {});
  }
  return true;
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
