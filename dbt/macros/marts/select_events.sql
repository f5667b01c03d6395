{# EVENTS.EVENTS from a logs relation: EVENTS.LOGS, or EVENTS_LIVE.LOGS. #}
{% macro select_events(logs) -%}
with hits as (

    -- each body parsed once: a json_extract per field parses it once per field
    select *, {{ json_record('req_body', text_fields_shape(['ec', 'ea', 'el', 'ev'])) }} as body
    from {{ logs }}
    where hit_type = 'event'

),

checked as (

    -- computed in place, else the filter below would parse the body again
    select *, {{ computed_in_place("nullif(" ~ record_field('body', 'ec') ~ ", '') is not null") }} as has_category
    from hits

)

select
    log_id as id,
    event_timestamp, request_timestamp, session_id, client_id, user_id, document_location,
    {{ record_field('body', 'ec') }} as event_category,
    {{ record_field('body', 'ea') }} as event_action,
    {{ record_field('body', 'el') }} as event_label,
    try_cast({{ record_field('body', 'ev') }} as double) as event_value,
    log_id, built_at,
    {{ utc_now() }} as created_at
from checked
where has_category
{%- endmacro %}
