{#
  The columns of stg_raw__logs that sessionizing reads, for the same hits, with each record parsed once (its
  body as part of it): stg_raw__logs parses the body a second time, to keep its text as well. A full refresh
  of EVENTS.LOGS stages its sessions from these.
#}
with source as (

    {{ collector_logs() }}

),

records as (

    select
        log_id,
        request_id,
        request_timestamp,
        client_id,
        {{ json_record('data', {
            'request': {'body': text_fields_shape(hit_key_params())},
            'context': {'user_id': 'VARCHAR', 'user_ip': 'VARCHAR'},
        }) }} as record
    from source

),

fields as (

    select
        log_id,
        request_id,
        request_timestamp,
{{ hit_key_columns('record', 'request.body', 'record') }}
    from records

),

final as (

    {{ checked_hits('fields') }}

)

select * from final
