{{ config(materialized='table', meta={'rebuilds_this_run_tails': true}) }}
-- depends_on: {{ ref('int_log_tails') }}
{#
  The sessions of the hits that EVENTS.LOGS builds in this run, one row per session, which EVENTS.LOGS then
  joins its hits to. A full refresh (or the first build) sessionizes every hit. An incremental run sessionizes
  the hits of this run's tails (int_log_tails), from each tail's start on: a session's start depends only on the
  hits before it, so the sessions before a tail cannot change. The client's kept hits before its tail are read
  too, so that a retry or a repeated transaction of one of them is dropped as a full refresh would drop it.

  A table of its own, from the hits' keys only: sessionizing and joining whole hits in one statement did not
  fit DuckDB's memory limit at 36M hits.
#}
{%- set incremental = logs_rebuilt_by_tails() -%}
with

hits as (

    select * from {{ tail_hits(ref('stg_raw__log_keys'), incremental) }} hits

),

{% if incremental -%}
tails as (

    select * from {{ log_tails() }} tails

),

earlier as (

    -- the client's kept hits before its tail, whose z and transactions its hits may repeat
    select l.client_id, l.event_timestamp, l.product_action, l.transaction_id,
        {{ json_text('l.req_body', 'z') }} as cache_buster
    from {{ previous_build('logs') }} l join tails on tails.client_id = l.client_id
    where l.event_timestamp < tails.rebuild_from

),

{%- endif %}

{{ session_ctes('hits', 'earlier' if incremental else none) }}

select
    client_id,
    starts_at,
    next_starts_at,
    session_id,
    session_based_user_ids,
    session_based_user_ips,
    dropped_log_ids
from sessions
