{#
  logs_staging's rows for the clients with hits in new_hits newer than any in logs_staged (DuckDB): after a
  load, the pipe replaces those clients' rows of the logs_staged table with these (src/warehouse/staged-hits.ts),
  so that a load costs what it brings, not a sessionizing of every hit since the last run. Their hits of the last
  run are kept_logs' copy of them, not a read of EVENTS.LOGS.
#}
{{ config(alias='LOGS_RESTAGING', enabled=(target.type == 'duckdb')) }}

with

staged as (

    select max(log_timestamp) as loaded_until from {{ ref('logs_staged') }}

),

restaged_clients as (

    select distinct client_id
    from {{ ref('new_hits') }}
    where log_timestamp > (select coalesce(loaded_until, cast('1970-01-01' as timestamp)) from staged)

),

new_hits as (

    select * from {{ ref('new_hits') }}
    where client_id in (select client_id from restaged_clients)

),

{{ stage_logs('new_hits', ref('kept_logs')) }}
