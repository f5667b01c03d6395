{# EVENTS.EVENTS from a logs relation: EVENTS.LOGS, or EVENTS_LIVE.LOGS. #}
{% macro select_events(logs) -%}
select
    log_id as id,
    event_timestamp, request_timestamp, session_id, client_id, user_id, document_location,
    {{ json_text('req_body', 'ec') }} as event_category,
    {{ json_text('req_body', 'ea') }} as event_action,
    {{ json_text('req_body', 'el') }} as event_label,
    try_cast({{ json_text('req_body', 'ev') }} as double) as event_value,
    log_id, built_at,
    now()::timestamp as created_at
from {{ logs }}
where hit_type = 'event' and nullif({{ json_text('req_body', 'ec') }}, '') is not null
{%- endmacro %}
