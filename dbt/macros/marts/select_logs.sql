{# The columns of EVENTS.LOGS from sessionized hits: shared by EVENTS.LOGS and EVENTS_LIVE.LOGS_STAGED. #}
{% macro select_logs(sessionized) -%}
select
        event_timestamp,
        request_timestamp,
        request_id,
        session_id,
        client_id,
        user_id,
        session_based_user_ids,
        user_ip,
        session_based_user_ips,
        hit_type,
        product_action,
        document_location,
        document_referrer,
        {{ uuid5("'2ee51068-335c-4fcf-b58b-313c0d715c07'", 'lower(user_agent)') }} as user_agent_id,
        user_agent,
        document_title,
        screen_resolution,
        document_encoding,
        screen_colors,
        user_language,
        transaction_id,
        req_body,
        log_id,
        log_timestamp,
        {{ run_started() }} as built_at,
        {{ utc_now() }} as created_at
from {{ sessionized }}
{%- endmacro %}
