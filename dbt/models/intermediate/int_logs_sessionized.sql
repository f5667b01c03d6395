{#
  Every hit deduplicated and sessionized. Every window is partitioned by client, so that a filter on
  client_id (the incremental run's) is pushed below them: a client's sessions come out the same whether
  computed alone or with all others. Sessions never break at midnight: only a gap does.
#}
with hits as (

    select * from {{ ref('stg_raw__logs') }}

),

first_of_retries as (

    -- a retried hit (same client and z) counts once: the first received
    select * from hits
    qualify cache_buster is null
        or row_number() over (partition by client_id, cache_buster order by request_timestamp, log_id) = 1

),

first_of_transactions as (

    -- a purchase counts once per transaction id (of its client): the first seen
    select * from first_of_retries
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

final as (

    select
        *,
        {{ uuid5(uuid5("'1ff91478-1da1-431f-b1fd-3ec39fff283c'", 'client_id'),
                 'first_value(request_id) over (partition by client_id, session_number order by event_timestamp, log_id)') }}
            as session_id
    from numbered

)

select * from final
