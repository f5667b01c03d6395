{# EVENTS.PRODUCT_ACTIONS from a logs relation: EVENTS.LOGS, or EVENTS_LIVE.LOGS. #}
{% macro select_product_actions(logs) -%}
{# One row per product (pr<N>…) of a hit with a product action. #}
with hits as (

    select * from {{ logs }}
    where product_action is not null

),

products as (

    {{ hit_products('hits') }}

)

select
    log_id || '.' || product_index as id,
    event_timestamp, request_timestamp, session_id, client_id, user_id,
    product_action,
    {{ json_text('req_body', 'pal') }} as product_action_list,
    {{ json_text('req_body', 'cu') }} as currency_code,
    transaction_id,
    product_index, product_id, product_variant, product_name,
    product_brand, product_category, product_price, product_quantity,
    product_position, product_raw_data,
    log_id, built_at,
    {{ utc_now() }} as created_at
from products
{%- endmacro %}
