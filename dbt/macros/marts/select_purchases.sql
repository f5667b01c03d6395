{# EVENTS.PURCHASES from a logs relation: EVENTS.LOGS, or EVENTS_LIVE.LOGS. #}
{% macro select_purchases(logs) -%}
{# One row per transaction (EVENTS.LOGS keeps the first hit of each transaction id). #}
select
    log_id as id,
    event_timestamp, request_timestamp, session_id, client_id, user_id, transaction_id,
    try_cast({{ json_text('req_body', 'tr') }} as double) as transaction_revenue,
    try_cast({{ json_text('req_body', 'tt') }} as double) as transaction_tax,
    try_cast({{ json_text('req_body', 'ts') }} as double) as transaction_shipping,
    {{ json_text('req_body', 'ta') }} as transaction_affiliation,
    {{ json_text('req_body', 'tcc') }} as transaction_coupon_code,
    log_id, built_at,
    {{ utc_now() }} as created_at
from {{ logs }}
where product_action = 'purchase' and transaction_id is not null
{%- endmacro %}
