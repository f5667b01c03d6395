{#
  Hits deduplicated and sessionized per client. Every window is partitioned by client, so that a filter on
  client_id is pushed below them: a client's sessions come out the same whether computed alone or with all
  others. Sessions never break at midnight: only a gap does.

  The windows run over the hits' keys only, and make one row per session (when it starts, when the client's
  next one starts, its id and users) and one row per client with dropped hits. The hits then find their
  session by client and time: both joins build on small relations. Sorting whole hits (about 1 KB each)
  through the windows, or joining them back to a row per hit, spilled tens of GB to disk at 36M hits.

  `hits`: rows of stg_raw__logs. `earlier` (incremental runs): the already built EVENTS.LOGS rows that come
  before each client's rebuilt tail, with their `cache_buster`: a hit of the tail that repeats one of them
  (a retry, or a transaction already counted) is dropped as a full refresh would drop it.
#}
{% macro sessionize(hits, earlier=none) -%}
with keys as (

    select log_id, client_id, event_timestamp, request_timestamp, request_id, cache_buster, transaction_id,
        product_action, user_id, user_ip
    from {{ hits }}

),

retries as (

    -- a retried hit (same client and z) counts once: the first received
    select
        *,
        cache_buster is not null and (
            row_number() over (partition by client_id, cache_buster order by request_timestamp, log_id) > 1
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
                    order by request_timestamp, log_id
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
        coalesce(
            event_timestamp - lag(event_timestamp) over (
                partition by client_id, is_dropped order by event_timestamp, log_id
            ) >= to_minutes({{ var('session_gap_minutes') }}),
            true
        )::int as starts_session
    from repeats

),

numbered as (

    select
        *,
        sum(starts_session) over (
            partition by client_id, is_dropped order by event_timestamp, log_id rows unbounded preceding
        ) as session_number
    from gaps

),

session_rows as (

    select
        client_id,
        is_dropped,
        min(event_timestamp) as starts_at,
        arg_min(request_id, row(event_timestamp, log_id)) as first_request_id,
        list_sort(list_distinct(list(user_id))) as session_based_user_ids,
        list_sort(list_distinct(list(user_ip))) as session_based_user_ips,
        list(log_id) filter (where is_dropped) as dropped_log_ids
    from numbered
    group by client_id, is_dropped, session_number

),

sessions as (

    select
        client_id,
        starts_at,
        lead(starts_at) over (partition by client_id order by starts_at) as next_starts_at,
        {{ uuid5(uuid5("'1ff91478-1da1-431f-b1fd-3ec39fff283c'", 'client_id'), 'first_request_id') }} as session_id,
        session_based_user_ids,
        session_based_user_ips
    from session_rows
    where not is_dropped

),

dropped as (

    select client_id, flatten(list(dropped_log_ids)) as log_ids
    from session_rows
    where is_dropped
    group by client_id

)

-- a hit's session is its client's last one started at or before it (the first hit of a session is its
-- earliest: a hit at the same time is in it)
select h.*, s.session_id, s.session_based_user_ids, s.session_based_user_ips
from {{ hits }} h
join sessions s
  on s.client_id = h.client_id
 and h.event_timestamp >= s.starts_at
 and (s.next_starts_at is null or h.event_timestamp < s.next_starts_at)
left join dropped d on d.client_id = h.client_id
where d.log_ids is null or not list_contains(d.log_ids, h.log_id)
{%- endmacro %}
