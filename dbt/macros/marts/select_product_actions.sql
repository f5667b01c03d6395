{# EVENTS.PRODUCT_ACTIONS from a logs relation: EVENTS.LOGS, or EVENTS_LIVE.LOGS. #}
{% macro select_product_actions(logs) -%}
{# One row per product (pr<N>…) of a hit with a product action. #}
with hits as (

    select * from {{ logs }}
    where product_action is not null

),

params as (

    {{ hit_products('hits') }}

),

products as (

    select
        log_id,
        product_index,
        max(value) filter (where field = 'id') as product_id,
        max(value) filter (where field = 'va') as product_variant,
        max(value) filter (where field = 'nm') as product_name,
        max(value) filter (where field = 'br') as product_brand,
        max(value) filter (where field = 'ca') as product_category,
        try_cast(max(value) filter (where field = 'pr') as double) as product_price,
        try_cast(max(value) filter (where field = 'qt') as integer) as product_quantity,
        try_cast(max(value) filter (where field = 'ps') as integer) as product_position,
        map_from_entries(list({'key': field, 'value': value}) filter (
            where field not in ('id', 'va', 'nm', 'br', 'ca', 'pr', 'qt', 'ps'))) as product_raw_data
    from params
    group by log_id, product_index

)

select
    hits.log_id || '.' || products.product_index as id,
    hits.event_timestamp, hits.request_timestamp, hits.session_id, hits.client_id, hits.user_id,
    hits.product_action,
    {{ json_text('hits.req_body', 'pal') }} as product_action_list,
    {{ json_text('hits.req_body', 'cu') }} as currency_code,
    hits.transaction_id,
    products.product_index, products.product_id, products.product_variant, products.product_name,
    products.product_brand, products.product_category, products.product_price, products.product_quantity,
    products.product_position, products.product_raw_data,
    hits.log_id, hits.built_at,
    now()::timestamp as created_at
from hits
join products on products.log_id = hits.log_id
{%- endmacro %}
