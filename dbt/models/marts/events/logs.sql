{{ config(
    alias='LOGS',
    incremental_strategy='client_tails',
    meta={'rebuilds_this_run_tails': true},
    post_hook="{{ record_full_rebuild() }}",
) }}
-- depends_on: {{ ref('int_log_tails') }}
{#
  EVENTS.LOGS: sessionized, enriched hits. A full refresh builds every hit. An incremental run rebuilds the
  tails that int_log_tails made in this run: for each client with raw rows loaded since the last run, its hits
  from the start of a session on (that of its first new hit, or of a kept hit that a new one replaces). The
  `client_tails` strategy deletes each tail's rows from `rebuild_from` on, then inserts these. The hits before a
  tail cannot change (a session's start depends only on the hits before it), so the result equals a full
  refresh. int_sessions has sessionized the same hits: each hit joins its session here.
#}
with

hits as (

    select * from {{ tail_hits(ref('stg_raw__logs'), is_incremental()) }} hits

),

sessions as (

    select * from {{ ref('int_sessions') }}

),

sessionized as (

    {{ join_sessions('hits', 'sessions') }}

),

final as (

    {{ select_logs('sessionized') }}

)

select * from final
