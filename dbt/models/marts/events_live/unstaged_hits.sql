{#
  The raw rows loaded after the newest of new_hits and of the last run, staged (DuckDB): what the pipe adds to
  the new_hits table after a load (src/warehouse/staged-hits.ts). Loads stamp their rows with a later
  LOG_TIMESTAMP each time, as the incremental runs assume.
#}
{{ config(alias='UNSTAGED_HITS', enabled=(target.type == 'duckdb')) }}

with

staged as (

    select greatest(
        (select max(log_timestamp) from {{ ref('logs') }}),
        (select max(log_timestamp) from {{ ref('new_hits') }})
    ) as loaded_until

)

select * from {{ ref('stg_raw__logs') }}
where log_timestamp > (select coalesce(loaded_until, cast('1970-01-01' as timestamp)) from staged)
