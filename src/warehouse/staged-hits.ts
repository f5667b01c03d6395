import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * EVENTS_LIVE.LOGS_STAGED, the hits loaded since the last dbt run sessionized (dbt's `logs_staged`), which
 * every live view reads. DuckDB has no materialized views: on it the model is a table, made again here from the
 * view with its logic (`logs_staging`) after each load, so that a read of the live views scans the staged hits
 * instead of sessionizing them again, and they follow the pipe as a view would.
 */
const STAGED = { schema: 'EVENTS_LIVE', table: 'LOGS_STAGED', view: 'LOGS_STAGING' };

/**
 * Makes the staged hits again from their view, in one statement (reads see the old rows or the new). Returns
 * false, doing nothing, before dbt has first built them.
 */
export async function refreshStagedHits(c: DuckDBConnection): Promise<boolean> {
  const reader = await c.runAndReadAll(
    `select count(*)::int as n from duckdb_tables()
     where database_name = current_database() and schema_name = $schema and table_name = $table`,
    { schema: STAGED.schema, table: STAGED.table },
  );
  if (reader.getRowObjects()[0]?.n === 0) return false;
  await c.run(
    `create or replace table ${STAGED.schema}.${STAGED.table} as select * from ${STAGED.schema}.${STAGED.view}`,
  );
  return true;
}
