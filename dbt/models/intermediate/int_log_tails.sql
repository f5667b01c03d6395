{{ config(
    materialized='table',
    post_hook="create table if not exists {{ tails_consumed(this) }} (model varchar, tails_built_at timestamp)",
) }}
-- depends_on: {{ ref('stg_raw__logs') }}
{#
  The tails of EVENTS.LOGS: for each client with raw rows loaded since EVENTS.LOGS was last built, the time from
  which this run rebuilds its rows. A session's start depends only on the hits before it, so the hits before a
  tail cannot change, and a tail that starts at a session's start is rebuilt as a full refresh would build it.
  A tail starts at the earliest of:
  - the first new hit, or the start of the session it joins (the client's last hit before it, when within a
    session gap of it);
  - the start of the session of each kept hit that a new hit takes the place of: the same `z`, or the same
    purchase, received earlier (lake objects are loaded in any order: a hit may arrive after its own retry).

  The tails of earlier runs are kept as one row per client (its earliest time, the latest run), for the models
  that rebuild every tail since they last ran (`log_tails`): one that missed a run rebuilds more than needed,
  never less. In a full refresh, or before EVENTS.LOGS exists, there is no tail; a full refresh of EVENTS.LOGS
  then adds a row without a client (`record_full_rebuild`): a model that missed it cannot catch up
  incrementally, and says so.

  Reads EVENTS.LOGS as the last run left it: not a ref, as this model runs before it (EVENTS.LOGS reads it).
#}
{%- set logs = previous_build('logs') -%}
{%- set incremental = logs_rebuilt_by_tails() -%}
{%- set earlier_tails = adapter.get_relation(this.database, this.schema, this.identifier) -%}
with earlier_runs as (

    {% if incremental and earlier_tails is not none -%}
    select client_id, min(rebuild_from) as rebuild_from, max(built_at) as built_at
    from {{ earlier_tails }}
    group by client_id
    {%- else -%}
    select cast(null as varchar) as client_id, cast(null as timestamp) as rebuild_from, cast(null as timestamp) as built_at
    where 1 = 0
    {%- endif %}

),

{% if incremental -%}
{%- set watermark = incremental_literal("select max(log_timestamp) from " ~ logs) -%}
{#- the earliest new hit, as literals: bounds on EVENTS.LOGS's time columns that let the warehouse skip the row
    groups before them, where a join on the client would read every row -#}
{%- set new_hits_from = "select min(%s) from " ~ ref('stg_raw__logs') ~ " where log_timestamp > " ~ watermark -%}
{%- set first_new_event = incremental_literal(new_hits_from | format('event_timestamp'), otherwise=never()) -%}
{%- set first_new_request = incremental_literal(new_hits_from | format('request_timestamp'), otherwise=never()) -%}
new_hits as (

    select client_id, event_timestamp, request_timestamp, request_id, log_id, cache_buster, transaction_id,
        product_action
    from {{ ref('stg_raw__logs') }}
    where log_timestamp > {{ watermark }}

),

touched as (

    select client_id, min(event_timestamp) as first_new from new_hits group by client_id

),

joined_sessions as (

    -- the session the first new hit joins: its client's last hit before it, when within a session gap of it
    select t.client_id, max_by(l.session_id, l.event_timestamp) as session_id
    from {{ logs }} l join touched t on t.client_id = l.client_id
    where l.event_timestamp < t.first_new
      and l.event_timestamp > {{ dbt.dateadd('minute', -var('session_gap_minutes'), 't.first_new') }}
      and l.event_timestamp > {{ dbt.dateadd('minute', -var('session_gap_minutes'), first_new_event) }}
    group by t.client_id

),

kept as (

    -- the touched clients' kept hits that a new hit could take the place of (received after it), with their z
    select l.client_id, l.session_id, l.request_timestamp, l.request_id, l.log_id, l.product_action,
        l.transaction_id, {{ json_text('l.req_body', 'z') }} as cache_buster
    from {{ logs }} l
    where l.client_id in (select client_id from touched)
      and l.request_timestamp >= {{ first_new_request }}

),

superseded_sessions as (

    -- the sessions of kept hits that a new hit takes the place of: the same z, or the same purchase, received
    -- before them
    select k.client_id, k.session_id
    from kept k join new_hits n on n.client_id = k.client_id and n.cache_buster = k.cache_buster
    where {{ received_before('n', 'k') }}
    union
    select k.client_id, k.session_id
    from kept k join new_hits n on n.client_id = k.client_id and n.transaction_id = k.transaction_id
    where k.product_action = 'purchase' and n.product_action = 'purchase' and {{ received_before('n', 'k') }}

),

rebuilt_sessions as (

    select client_id, session_id from joined_sessions
    union
    select client_id, session_id from superseded_sessions

),

this_run as (

    select
        t.client_id,
        least(t.first_new, coalesce(min(l.event_timestamp), t.first_new)) as rebuild_from,
        {{ run_started() }} as built_at
    from touched t
    left join rebuilt_sessions s on s.client_id = t.client_id
    left join {{ logs }} l on l.client_id = s.client_id and l.session_id = s.session_id
    group by t.client_id, t.first_new

)
{%- else -%}
this_run as (

    select * from earlier_runs where 1 = 0

)
{%- endif %}

select client_id, rebuild_from, built_at from earlier_runs
union all
select client_id, rebuild_from, built_at from this_run
