{#
  Hits deduplicated and sessionized per client. Every window is partitioned by client, so that a filter on
  client_id is pushed below them: a client's sessions come out the same whether computed alone or with all
  others. Sessions never break at midnight: only a gap does.

  The windows run over a narrow projection of the hits (their keys), and the session columns are joined back
  to the hits by client and log id: sorting whole hits (about 1 KB each) through six windows spilled to disk
  and cost twice as much at 1M hits, far more at 10M.

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

first_of_retries as (

    -- a retried hit (same client and z) counts once: the first received
    select * from keys h
    where true
    {% if earlier %}
      and not exists (
          select 1 from {{ earlier }} e
          where e.client_id = h.client_id and e.cache_buster = h.cache_buster
      )
    {% endif %}
    qualify cache_buster is null
        or row_number() over (partition by client_id, cache_buster order by request_timestamp, log_id) = 1

),

first_of_transactions as (

    -- a purchase counts once per transaction id (of its client): the first seen
    select * from first_of_retries h
    where true
    {% if earlier %}
      and not (product_action = 'purchase' and exists (
          select 1 from {{ earlier }} e
          where e.client_id = h.client_id and e.product_action = 'purchase'
            and e.transaction_id = h.transaction_id
      ))
    {% endif %}
    qualify not (product_action = 'purchase' and transaction_id is not null)
        or row_number() over (partition by client_id, transaction_id, product_action order by request_timestamp, log_id) = 1

),

gaps as (

    select
        *,
        case
            when lag(event_timestamp) over (partition by client_id order by event_timestamp, log_id) is null then 1
            when event_timestamp - lag(event_timestamp) over (partition by client_id order by event_timestamp, log_id)
                >= to_minutes({{ var('session_gap_minutes') }}) then 1
            else 0
        end as starts_session
    from first_of_transactions

),

numbered as (

    select
        *,
        sum(starts_session) over (partition by client_id order by event_timestamp, log_id rows unbounded preceding) as session_number
    from gaps

),

with_session_ids as (

    select
        *,
        {{ uuid5(uuid5("'1ff91478-1da1-431f-b1fd-3ec39fff283c'", 'client_id'),
                 'first_value(request_id) over (partition by client_id, session_number order by event_timestamp, log_id)') }}
            as session_id
    from numbered

),

sessions as (

    select
        client_id,
        log_id,
        session_id,
        list_sort(list_distinct(list(user_id) over (partition by client_id, session_id))) as session_based_user_ids,
        list_sort(list_distinct(list(user_ip) over (partition by client_id, session_id))) as session_based_user_ips
    from with_session_ids

)

-- joined on the client too, so that a filter on client_id reaches both sides (EVENTS_LIVE.LOGS_STAGED)
select h.*, s.session_id, s.session_based_user_ids, s.session_based_user_ips
from {{ hits }} h
join sessions s on s.client_id = h.client_id and s.log_id = h.log_id
{%- endmacro %}
