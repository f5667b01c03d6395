{{ config(
    alias='LOGS',
    unique_key='client_id',
    incremental_strategy='client_tails',
    pre_hook="{{ stage_full_refresh_sessions() }}",
    post_hook="drop table if exists {{ full_refresh_sessions() }}",
) }}
-- depends_on: {{ ref('stg_raw__logs') }}, {{ ref('stg_raw__log_keys') }}
{#
  EVENTS.LOGS: sessionized, enriched hits. A full refresh sessionizes every hit. An incremental run reads only
  the raw rows loaded since the last run and, for each client they touch, rebuilds the client's tail: its hits
  from the start of the session that the first new hit joins (or from that hit, when it starts a session of its
  own). Hits before the tail cannot change (a session's start depends only on the hits before it), so the
  result equals a full refresh. Retries and transactions of the tail are checked against the client's earlier
  hits: transactions all the way back, retries within `lookback_minutes` (a retry comes within GA's 4-hour
  queue time). The `client_tails` strategy deletes each client's rows from `rebuild_from` on, then inserts.

  A full refresh stages every session in a table first (the pre-hook, from stg_raw__log_keys, which parses
  each record once), then joins the hits to it: in one statement, both did not fit DuckDB's memory limit at
  36M hits.
#}
{% if is_incremental() %}

{%- set watermark = incremental_literal("select max(log_timestamp) from " ~ this) -%}
{%- set tails -%}
    with new_hits as (

        select client_id, event_timestamp from {{ ref('stg_raw__logs') }}
        where log_timestamp > {{ watermark }}

    ),

    touched as (

        select client_id, min(event_timestamp) as first_new from new_hits group by client_id

    ),

    last_before as (

        -- the client's last hit before its first new one, when within a session gap of it
        select t.client_id, arg_max(l.session_id, l.event_timestamp) as session_id
        from {{ this }} l join touched t on t.client_id = l.client_id
        where l.event_timestamp < t.first_new
          and l.event_timestamp > t.first_new - to_minutes({{ var('session_gap_minutes') }})
        group by t.client_id

    )

    select t.client_id, coalesce(min(l.event_timestamp), t.first_new) as rebuild_from
    from touched t
    left join last_before b on b.client_id = t.client_id
    left join {{ this }} l on l.client_id = b.client_id and l.session_id = b.session_id
    group by t.client_id, t.first_new
{%- endset -%}
{%- set oldest_tail = incremental_literal("select min(rebuild_from) from (" ~ tails ~ ") tails") -%}

with tails as (

    {{ tails }}

),

tail_hits as (

    select h.*, tails.rebuild_from
    from {{ ref('stg_raw__logs') }} h join tails on tails.client_id = h.client_id
    -- request time >= event time: a bound on a raw column, which lets DuckDB skip old row groups
    where h.request_timestamp >= {{ oldest_tail }}
      and h.event_timestamp >= tails.rebuild_from

),

earlier as (

    select l.client_id, l.event_timestamp, l.product_action, l.transaction_id,
        {{ json_text('l.req_body', 'z') }} as cache_buster
    from {{ this }} l join tails on tails.client_id = l.client_id
    where l.event_timestamp < tails.rebuild_from
      and (l.product_action = 'purchase'
           or l.event_timestamp >= tails.rebuild_from - to_minutes({{ var('lookback_minutes') }}))

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

    {{ select_logs('sessionized', rebuild_from=is_incremental()) }}

)

select * from final
