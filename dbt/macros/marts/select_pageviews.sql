{# EVENTS.PAGEVIEWS from a logs relation: EVENTS.LOGS, or EVENTS_LIVE.LOGS. #}
{% macro select_pageviews(logs) -%}
select
    log_id as id,
    event_timestamp, request_timestamp, session_id, client_id, user_id, user_ip,
    document_location, document_referrer, document_title, user_agent_id, log_id, built_at,
    {{ utc_now() }} as created_at
from {{ logs }}
where hit_type = 'pageview'
{%- endmacro %}
