{#
  EVENTS_LIVE.NEW_HITS: the raw rows loaded since the last run, staged (each record parsed once). On DuckDB a
  table, to which the pipe adds each load's hits (unstaged_hits), so that they are parsed once rather than at
  every read; elsewhere (Snowflake) a view.
#}
{{ config(alias='NEW_HITS', materialized=('table' if target.type == 'duckdb' else 'view')) }}

with

built as (

    select max(log_timestamp) as loaded_until from {{ ref('logs') }}

)

select * from {{ ref('stg_raw__logs') }}
where log_timestamp > (select coalesce(loaded_until, cast('1970-01-01' as timestamp)) from built)
