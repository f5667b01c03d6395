{#
  Hits deduplicated and sessionized per client. Every window is partitioned by client, so that a filter on
  client_id is pushed below them: a client's sessions come out the same whether computed alone or with all
  others. Sessions never break at midnight: only a gap does.

  `hits`: rows of stg_raw__logs. `earlier` (incremental runs): the already built EVENTS.LOGS rows that come
  before each client's rebuilt tail, with their `cache_buster`: a hit of the tail that repeats one of them
  (a retry, or a transaction already counted) is dropped as a full refresh would drop it.
#}
{% macro sessionize(hits, earlier=none) -%}
with first_of_retries as (

    -- a retried hit (same client and z) counts once: the first received
    select * from {{ hits }} h
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

)

select * from with_session_ids
{%- endmacro %}
