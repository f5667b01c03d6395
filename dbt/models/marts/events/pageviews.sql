{{ config(alias='PAGEVIEWS', unique_key='client_id', incremental_strategy='delete+insert') }}

select
    log_id as id,
    event_timestamp, request_timestamp, session_id, client_id, user_id, user_ip,
    document_location, document_referrer, document_title, user_agent_id, log_id, built_at,
    now()::timestamp as created_at
from {{ ref('logs') }}
where hit_type = 'pageview'
{{ rebuilt_clients_filter() }}
