{# The hits of RAW.LOGS with their fields extracted: with stg_raw__log_keys, the only models that read the raw table. #}
{%- set text = 'VARCHAR' -%}
{%- set body_shape = text_fields_shape(hit_key_params() + ['dl', 'dr', 'dt', 'sr', 'de', 'sd', 'ul']) -%}
with source as (

    {{ collector_logs() }}

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
        req_body_json as req_body,
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
{{ hit_key_columns('body', '', 'record') }}
    from hits

),

final as (

    {{ checked_hits('fields') }}

)

select * from final
