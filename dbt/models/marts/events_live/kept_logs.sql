{#
  EVENTS_LIVE.KEPT_LOGS (DuckDB): EVENTS.LOGS's rows of the clients with hits in new_hits, as this run left them,
  which logs_restaging sessionizes the clients' new hits with. After a load, the pipe adds the rows of the clients
  new to new_hits (src/warehouse/staged-hits.ts): each client's rows are read from EVENTS.LOGS once per run, and
  only they, where a read at every load of every client it restages would scan every column of every row of
  EVENTS.LOGS, a cost that grows with the history rather than with the load.
#}
{{ config(alias='KEPT_LOGS', materialized='table', enabled=(target.type == 'duckdb')) }}

select * from {{ ref('logs') }}
where client_id in (select client_id from {{ ref('new_hits') }})
