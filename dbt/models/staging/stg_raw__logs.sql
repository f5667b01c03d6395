{# The hits of RAW.LOGS with their fields extracted: the only model that reads the raw table. #}
{%- set text = 'VARCHAR' -%}
{%- set body_shape = {} -%}
{%- for field in ['t', 'cid', 'uid', 'uip', 'pa', 'dl', 'dr', 'dt', 'sr', 'de', 'sd', 'ul', 'z', 'ti', 'qt'] -%}
    {%- do body_shape.update({field: text}) -%}
{%- endfor -%}
with source as (

    select * from {{ source('raw', 'logs') }}
    where service_id = 'api.collect'

),

records as (

    -- each record's JSON parsed once (then its hit's body, once): a parse per field costs 20x more
    select
        *,
        {{ json_record('data', {
            'request': {'body': 'JSON', 'headers': {'referer': text}},
            'context': {'user_id': text, 'user_ip': text, 'document_location': text, 'user_agent': text},
        }) }} as record
    from source

),

hits as (

    select
        *,
        {{ record_field('record', 'request.body', as_json=true) }} as req_body_json,
        {{ json_record(record_field('record', 'request.body', as_json=true), body_shape) }} as body
    from records

),

fields as (

    select
        log_id,
        request_id,
        request_timestamp,
        log_timestamp,
        data,
        req_body_json::json as req_body,
        lower(nullif(trim({{ record_field('body', 't') }}), '')) as hit_type,
        lower(coalesce(nullif(trim({{ record_field('body', 'cid') }}), ''), client_id)) as client_id,
        lower(coalesce(nullif(trim({{ record_field('body', 'uid') }}), ''), {{ record_field('record', 'context.user_id') }})) as user_id,
        coalesce(nullif({{ record_field('body', 'uip') }}, ''), {{ record_field('record', 'context.user_ip') }}) as user_ip,
        lower(nullif({{ record_field('body', 'pa') }}, '')) as product_action,
        lower(coalesce(
            nullif({{ record_field('body', 'dl') }}, ''),
            {{ record_field('record', 'request.headers.referer') }},
            {{ record_field('record', 'context.document_location') }}
        )) as document_location,
        {{ record_field('body', 'dr') }} as document_referrer,
        {{ record_field('record', 'context.user_agent') }} as user_agent,
        {{ record_field('body', 'dt') }} as document_title,
        lower({{ record_field('body', 'sr') }}) as screen_resolution,
        upper({{ record_field('body', 'de') }}) as document_encoding,
        lower({{ record_field('body', 'sd') }}) as screen_colors,
        upper({{ record_field('body', 'ul') }}) as user_language,
        {{ record_field('body', 'z') }} as cache_buster,
        nullif({{ record_field('body', 'ti') }}, '') as transaction_id,
        -- GA's queue time: the hit happened qt ms before it was received, within the allowed maximum
        least(greatest(coalesce(try_cast({{ record_field('body', 'qt') }} as bigint), 0), 0),
              {{ var('max_queue_time_ms') }}) as queue_time_ms
    from hits

),

checked as (

    -- a hit has a type and a client: computed in place, else each filter would parse the record again
    select *, {{ computed_in_place('hit_type is not null and client_id is not null') }} as is_hit
    from fields

),

final as (

    select
        * exclude (is_hit),
        request_timestamp - to_milliseconds(queue_time_ms) as event_timestamp
    from checked
    where is_hit

)

select * from final
