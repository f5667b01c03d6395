{#
  logs_staging's rows for the clients of the newest load only (DuckDB): after each load, the pipe replaces
  those clients' rows of the logs_staged table with these (src/warehouse/staged-hits.ts), so that a load costs
  what it brings, not a sessionizing of every hit since the last run.
#}
{{ config(alias='LOGS_RESTAGING', enabled=(target.type == 'duckdb')) }}

with

newest_load as (

    select max(log_timestamp) as loaded_at from {{ ref('new_hits') }}

),

restaged_clients as (

    select distinct client_id
    from {{ ref('new_hits') }}
    where log_timestamp = (select loaded_at from newest_load)

),

new_hits as (

    select * from {{ ref('new_hits') }}
    where client_id in (select client_id from restaged_clients)

),

{{ stage_logs('new_hits') }}
