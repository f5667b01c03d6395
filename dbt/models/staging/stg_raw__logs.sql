{# The hits of RAW.LOGS with their fields extracted: with stg_raw__log_keys, the only models that read the raw table. #}
with source as (

    {{ collector_logs() }}

),

records as (

    -- the record's fields as parsed at load; the body's JSON text is the one thing still read from DATA
    select
        *,
        {{ raw_data_fields() }} as record,
        {{ json_at('data', 'request.body') }} as req_body_json
    from source

),

fields as (

    select
        log_id,
        request_id,
        request_timestamp,
        log_timestamp,
        req_body_json as req_body,
        lower(coalesce(
            nullif({{ record_field('record', 'request.body.dl') }}, ''),
            {{ record_field('record', 'request.headers.referer') }},
            {{ record_field('record', 'context.document_location') }}
        )) as document_location,
        {{ record_field('record', 'request.body.dr') }} as document_referrer,
        {{ record_field('record', 'context.user_agent') }} as user_agent,
        {{ record_field('record', 'request.body.dt') }} as document_title,
        lower({{ record_field('record', 'request.body.sr') }}) as screen_resolution,
        upper({{ record_field('record', 'request.body.de') }}) as document_encoding,
        lower({{ record_field('record', 'request.body.sd') }}) as screen_colors,
        upper({{ record_field('record', 'request.body.ul') }}) as user_language,
{{ hit_key_columns('record') }}
    from records

),

final as (

    {{ checked_hits('fields') }}

)

select * from final
