{# The hits of RAW.LOGS with their fields extracted: the only model that reads the raw table. #}
with source as (

    select * from {{ source('raw', 'logs') }}
    where service_id = 'api.collect'

),

fields as (

    select
        log_id,
        request_id,
        request_timestamp,
        log_timestamp,
        data,
        {{ json_text('data', 'request.body') }}::json as req_body,
        lower(nullif(trim({{ json_text('data', 'request.body.t') }}), '')) as hit_type,
        lower(coalesce(nullif(trim({{ json_text('data', 'request.body.cid') }}), ''), client_id)) as client_id,
        lower(coalesce(nullif(trim({{ json_text('data', 'request.body.uid') }}), ''), {{ json_text('data', 'context.user_id') }})) as user_id,
        coalesce(nullif({{ json_text('data', 'request.body.uip') }}, ''), {{ json_text('data', 'context.user_ip') }}) as user_ip,
        lower(nullif({{ json_text('data', 'request.body.pa') }}, '')) as product_action,
        lower(coalesce(
            nullif({{ json_text('data', 'request.body.dl') }}, ''),
            {{ json_text('data', 'request.headers.referer') }},
            {{ json_text('data', 'context.document_location') }}
        )) as document_location,
        {{ json_text('data', 'request.body.dr') }} as document_referrer,
        {{ json_text('data', 'context.user_agent') }} as user_agent,
        {{ json_text('data', 'request.body.dt') }} as document_title,
        lower({{ json_text('data', 'request.body.sr') }}) as screen_resolution,
        upper({{ json_text('data', 'request.body.de') }}) as document_encoding,
        lower({{ json_text('data', 'request.body.sd') }}) as screen_colors,
        upper({{ json_text('data', 'request.body.ul') }}) as user_language,
        {{ json_text('data', 'request.body.z') }} as cache_buster,
        nullif({{ json_text('data', 'request.body.ti') }}, '') as transaction_id,
        -- GA's queue time: the hit happened qt ms before it was received, within the allowed maximum
        least(greatest(coalesce(try_cast({{ json_text('data', 'request.body.qt') }} as bigint), 0), 0),
              {{ var('max_queue_time_ms') }}) as queue_time_ms
    from source

),

final as (

    select
        *,
        request_timestamp - to_milliseconds(queue_time_ms) as event_timestamp
    from fields
    where hit_type is not null and client_id is not null

)

select * from final
