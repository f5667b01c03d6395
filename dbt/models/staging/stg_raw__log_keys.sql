{#
  The columns of stg_raw__logs that sessionizing reads, for the same hits, without the body's JSON text (reading
  it from DATA is most of stg_raw__logs's cost). A full refresh of EVENTS.LOGS stages its sessions from these.
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
        {{ raw_data_fields() }} as record
    from source

),

fields as (

    select
        log_id,
        request_id,
        request_timestamp,
{{ hit_key_columns('record') }}
    from records

),

final as (

    {{ checked_hits('fields') }}

)

select * from final
