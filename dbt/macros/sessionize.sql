{#
  Sessionizing, which EVENTS.LOGS (through int_sessions) and EVENTS_LIVE.LOGS_STAGED both do, one as a table
  at each run, the other as a view that follows the pipe.

  `session_ctes` deduplicates and sessionizes the hits of `hits` (columns of stg_raw__log_keys) per client and
  ends with `sessions`: one row per session, with when it starts, when its client's next one starts, its id and
  users, and its client's dropped hits. Every window is partitioned by client, so that a client's sessions come
  out the same whether computed alone or with all others, and a filter on client_id is pushed below them.
  Sessions never break at midnight: only a gap does. `join_sessions` then gives each hit its session by client
  and time.

  The windows run over the hits' keys only, and whole hits meet the sessions in a single join: sorting whole
  hits (about 1 KB each) through the windows, joining them back to a row per hit, or a second join after the
  first (DuckDB then built its hash table on the hits) spilled tens of GB or ran out of memory at 36M hits; so
  did computing the sessions and joining them in one statement, hence the int_sessions table.

  `earlier` (incremental runs): the already built EVENTS.LOGS rows before each client's rebuilt tail, with
  their `cache_buster`: a hit of the tail that repeats one of them (a retry, or a transaction already counted)
  is dropped as a full refresh would drop it.
#}
{% macro session_ctes(hits, earlier=none) -%}
keys as (

    select log_id, client_id, event_timestamp, request_timestamp, request_id, cache_buster, transaction_id,
        product_action, user_id, user_ip
    from {{ hits }}

),

retries as (

    -- a retried hit (same client and z) counts once: the first received (then by request id, then log id: the
    -- order of `received_before`)
    select
        *,
        cache_buster is not null and (
            row_number() over (partition by client_id, cache_buster order by request_timestamp, request_id, log_id) > 1
            {% if earlier %}
            or exists (
                select 1 from {{ earlier }} e
                where e.client_id = h.client_id and e.cache_buster = h.cache_buster
            )
            {% endif %}
        ) as is_retry
    from keys h

),

repeats as (

    -- a purchase counts once per transaction id (of its client): the first seen that is not a retry
    select
        *,
        is_retry or (
            product_action = 'purchase' and transaction_id is not null and (
                row_number() over (
                    partition by client_id, transaction_id, product_action, is_retry
                    order by request_timestamp, request_id, log_id
                ) > 1
                {% if earlier %}
                or exists (
                    select 1 from {{ earlier }} e
                    where e.client_id = h.client_id and e.product_action = 'purchase'
                      and e.transaction_id = h.transaction_id
                )
                {% endif %}
            )
        ) as is_dropped
    from retries h

),

gaps as (

    -- dropped hits are sessionized apart (their partition is ignored below), so that they change no gap
    select
        client_id, log_id, event_timestamp, request_id, user_id, user_ip, is_dropped,
        case
            when event_timestamp < {{ dbt.dateadd('minute', var('session_gap_minutes'), 'lag(event_timestamp) over (partition by client_id, is_dropped order by event_timestamp, request_id)') }}
            then 0 else 1
        end as starts_session
    from repeats

),

numbered as (

    select
        *,
        sum(starts_session) over (
            partition by client_id, is_dropped order by event_timestamp, request_id rows unbounded preceding
        ) as session_number
    from gaps

),

session_rows as (

    select
        client_id,
        min(event_timestamp) as starts_at,
        -- the session's first row (by time, then request id: not by log id, which depends on the lake's object
        -- keys, so that the same hits make the same sessions in any lake) is the one that starts it
        min(case when starts_session = 1 then request_id end) as first_request_id,
        {{ sorted_distinct_list('user_id') }} as session_based_user_ids,
        {{ sorted_distinct_list('user_ip') }} as session_based_user_ips
    from numbered
    where not is_dropped
    group by client_id, session_number

),

dropped as (

    select client_id, {{ id_set('log_id') }} as log_ids
    from repeats
    where is_dropped
    group by client_id

),

sessions as (

    -- each session carries its client's dropped hits: excluding them in the hits' only join keeps DuckDB
    -- from building a hash table of whole hits for a second one
    select
        s.client_id,
        s.starts_at,
        lead(s.starts_at) over (partition by s.client_id order by s.starts_at) as next_starts_at,
        {{ uuid5(uuid5("'1ff91478-1da1-431f-b1fd-3ec39fff283c'", 's.client_id'), 's.first_request_id') }} as session_id,
        s.session_based_user_ids,
        s.session_based_user_ips,
        d.log_ids as dropped_log_ids
    from session_rows s
    left join dropped d on d.client_id = s.client_id

)
{%- endmacro %}

{# Each hit of `hits` with its session from `sessions` (rows of `session_ctes`' last CTE), dropped hits left out. #}
{% macro join_sessions(hits, sessions) -%}
-- a hit's session is its client's last one started at or before it (the first hit of a session is its
-- earliest: a hit at the same time is in it)
select h.*, s.session_id, s.session_based_user_ids, s.session_based_user_ips
from {{ hits }} h
join {{ sessions }} s
  on s.client_id = h.client_id
 and h.event_timestamp >= s.starts_at
 and (s.next_starts_at is null or h.event_timestamp < s.next_starts_at)
where s.dropped_log_ids is null or not {{ id_set_has('s.dropped_log_ids', 'h.log_id') }}
{%- endmacro %}
