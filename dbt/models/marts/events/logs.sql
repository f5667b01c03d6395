{{ config(alias='LOGS', unique_key='client_id', incremental_strategy='delete+insert') }}
-- depends_on: {{ ref('stg_raw__logs') }}
{#
  EVENTS.LOGS: sessionized, enriched hits. An incremental run rebuilds every hit of the clients that have
  raw rows loaded since the last run, replacing all of theirs (unique key: client), so that it equals a
  full refresh. `built_at` tells the models downstream which clients were rebuilt.
#}
with sessionized as (

    select * from {{ ref('int_logs_sessionized') }}

    {% if is_incremental() %}
    where client_id in (
        select distinct client_id from {{ ref('stg_raw__logs') }}
        where log_timestamp > (select coalesce(max(log_timestamp), '1970-01-01'::timestamp) from {{ this }})
    )
    {% endif %}

),

final as (

    select
        event_timestamp,
        request_timestamp,
        request_id,
        session_id,
        client_id,
        user_id,
        list_sort(list_distinct(list(user_id) over (partition by session_id))) as session_based_user_ids,
        user_ip,
        list_sort(list_distinct(list(user_ip) over (partition by session_id))) as session_based_user_ips,
        hit_type,
        product_action,
        document_location,
        document_referrer,
        {{ uuid5("'2ee51068-335c-4fcf-b58b-313c0d715c07'", 'lower(user_agent)') }} as user_agent_id,
        user_agent,
        document_title,
        screen_resolution,
        document_encoding,
        screen_colors,
        user_language,
        transaction_id,
        req_body,
        log_id,
        log_timestamp,
        now()::timestamp as built_at,
        now()::timestamp as created_at
    from sessionized

)

select * from final
