{#
  EVENTS_LIVE.LOGS_STAGED: the rows of logs_staging, which every live view reads. DuckDB has no materialized
  views, so there it is a table, kept by the pipe after each load (src/warehouse/staged-hits.ts: the load's
  clients' rows replaced by logs_restaging's) and made again at each run: a read of the live views then costs
  a scan of the staged hits, not their sessionizing. Elsewhere (Snowflake) a view.
#}
{{ config(alias='LOGS_STAGED', materialized=('table' if target.type == 'duckdb' else 'view')) }}

select * from {{ ref('logs_staging') }}
