{# What stg_raw__logs and stg_raw__log_keys share, so that both read the same hits the same way. #}

{#
  The hit's fields that sessionizing needs, as columns, from `record`, the log record's fields
  (`raw_data_fields()`); the input's raw `client_id` column is the client when the body names none. Ends with
  `queue_time_ms`, from which `checked_hits` computes the event time.
#}
{% macro hit_key_columns(record) -%}
        lower(nullif(trim({{ record_field(record, 'request.body.t') }}), '')) as hit_type,
        lower(coalesce(nullif(trim({{ record_field(record, 'request.body.cid') }}), ''), client_id)) as client_id,
        lower(coalesce(nullif(trim({{ record_field(record, 'request.body.uid') }}), ''), {{ record_field(record, 'context.user_id') }})) as user_id,
        coalesce(nullif({{ record_field(record, 'request.body.uip') }}, ''), {{ record_field(record, 'context.user_ip') }}) as user_ip,
        lower(nullif({{ record_field(record, 'request.body.pa') }}, '')) as product_action,
        {{ record_field(record, 'request.body.z') }} as cache_buster,
        nullif({{ record_field(record, 'request.body.ti') }}, '') as transaction_id,
        -- GA's queue time: the hit happened qt ms before it was received, within the allowed maximum
        least(greatest(coalesce(try_cast({{ record_field(record, 'request.body.qt') }} as bigint), 0), 0),
              {{ var('max_queue_time_ms') }}) as queue_time_ms
{%- endmacro %}

{# The rows of `fields` that are hits (a type and a client), with their event time from the queue time. #}
{% macro checked_hits(fields) -%}
    select
        * exclude (is_hit),
        {{ dbt.dateadd('millisecond', '-queue_time_ms', 'request_timestamp') }} as event_timestamp
    from (
        -- a hit has a type and a client: computed in place, else a filter below would compute its fields again
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

{#
  The fields of RAW.LOGS's records that the staging models read, parsed once, at load: on DuckDB the column
  DATA_FIELDS, which the pipe fills beside DATA (src/pipe/data-fields.ts lists its fields: a field read here
  must be there), on Snowflake DATA itself, a VARIANT parsed at COPY. `record_field` reaches a field of it by its
  path in the record.
#}
{% macro raw_data_fields() -%}
  {{ return(adapter.dispatch('raw_data_fields')()) }}
{%- endmacro %}

{% macro default__raw_data_fields() -%}{{ not_supported('raw_data_fields') }}{%- endmacro %}

{% macro duckdb__raw_data_fields() -%}data_fields{%- endmacro %}

{% macro snowflake__raw_data_fields() -%}data{%- endmacro %}
