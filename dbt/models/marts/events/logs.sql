{{ config(
    alias='LOGS',
    unique_key='client_id',
    incremental_strategy='client_tails',
    meta={'rebuilds_this_run_tails': true},
    pre_hook="{{ stage_full_refresh_sessions() }}",
    post_hook=["drop table if exists {{ full_refresh_sessions() }}", "{{ record_full_rebuild() }}"],
) }}
-- depends_on: {{ ref('stg_raw__logs') }}, {{ ref('stg_raw__log_keys') }}, {{ ref('int_log_tails') }}
{#
  EVENTS.LOGS: sessionized, enriched hits. A full refresh sessionizes every hit. An incremental run rebuilds the
  tails that int_log_tails made in this run: for each client with raw rows loaded since the last run, its hits
  from the start of a session on (that of its first new hit, or of a kept hit that a new one replaces). Hits
  before the tail cannot change (a session's start depends only on the hits before it), so the result equals a
  full refresh. The tail's retries and transactions are checked against the client's kept hits before it. The
  `client_tails` strategy deletes each tail's rows from `rebuild_from` on, then inserts.

  A full refresh stages every session in a table first (the pre-hook, from stg_raw__log_keys, which parses
  each record once), then joins the hits to it: in one statement, both did not fit DuckDB's memory limit at
  36M hits.
#}
{% if is_incremental() %}

{%- set oldest_tail = incremental_literal("select min(rebuild_from) from " ~ log_tails() ~ " tails") -%}

with tails as (

    select * from {{ log_tails() }} tails

),

tail_hits as (

    select h.*
    from {{ ref('stg_raw__logs') }} h join tails on tails.client_id = h.client_id
    -- request time >= event time: a bound on a raw column, which lets DuckDB skip old row groups
    where h.request_timestamp >= {{ oldest_tail }}
      and h.event_timestamp >= tails.rebuild_from

),

earlier as (

    -- the client's kept hits before its tail, whose z and transactions its hits may repeat
    select l.client_id, l.event_timestamp, l.product_action, l.transaction_id,
        {{ json_text('l.req_body', 'z') }} as cache_buster
    from {{ this }} l join tails on tails.client_id = l.client_id
    where l.event_timestamp < tails.rebuild_from

),

sessionized as (

    {{ sessionize('tail_hits', 'earlier') }}

),

{% else %}

with sessionized as (

    {{ join_sessions(ref('stg_raw__logs'), full_refresh_sessions()) }}

),

{% endif %}

final as (

    {{ select_logs('sessionized') }}

)

select * from final
