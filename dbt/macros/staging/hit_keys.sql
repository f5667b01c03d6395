{# What stg_raw__logs and stg_raw__log_keys share, so that both read the same hits the same way. #}

{#
  The hit's fields that sessionizing needs, as columns. `body` is the record holding the hit's parameters and
  `body_path` their path in it ('' when `body` is the parsed body itself); `record` is the parsed log record;
  the input's raw `client_id` column is the client when the body names none. Ends with `queue_time_ms`, from
  which `checked_hits` computes the event time.
#}
{% macro hit_key_columns(body, body_path, record) -%}
  {%- set param = body_path ~ ('.' if body_path else '') -%}
        lower(nullif(trim({{ record_field(body, param ~ 't') }}), '')) as hit_type,
        lower(coalesce(nullif(trim({{ record_field(body, param ~ 'cid') }}), ''), client_id)) as client_id,
        lower(coalesce(nullif(trim({{ record_field(body, param ~ 'uid') }}), ''), {{ record_field(record, 'context.user_id') }})) as user_id,
        coalesce(nullif({{ record_field(body, param ~ 'uip') }}, ''), {{ record_field(record, 'context.user_ip') }}) as user_ip,
        lower(nullif({{ record_field(body, param ~ 'pa') }}, '')) as product_action,
        {{ record_field(body, param ~ 'z') }} as cache_buster,
        nullif({{ record_field(body, param ~ 'ti') }}, '') as transaction_id,
        -- GA's queue time: the hit happened qt ms before it was received, within the allowed maximum
        least(greatest(coalesce(try_cast({{ record_field(body, param ~ 'qt') }} as bigint), 0), 0),
              {{ var('max_queue_time_ms') }}) as queue_time_ms
{%- endmacro %}

{# The body's parameters that hit_key_columns reads (the fields of the body's json_record shape). #}
{% macro hit_key_params() -%}
  {{ return(['t', 'cid', 'uid', 'uip', 'pa', 'z', 'ti', 'qt']) }}
{%- endmacro %}

{# The rows of `fields` that are hits (a type and a client), with their event time from the queue time. #}
{% macro checked_hits(fields) -%}
    select
        * exclude (is_hit),
        {{ dbt.dateadd('millisecond', '-queue_time_ms', 'request_timestamp') }} as event_timestamp
    from (
        -- a hit has a type and a client: computed in place, else each filter would parse the record again
        select *, {{ computed_in_place('hit_type is not null and client_id is not null') }} as is_hit
        from {{ fields }}
    ) checked
    where is_hit
{%- endmacro %}

{# The rows of RAW.LOGS that the collector wrote: what both staging views read. #}
{% macro collector_logs() -%}
    select * from {{ source('raw', 'logs') }}
    where service_id = 'api.collect'
{%- endmacro %}
