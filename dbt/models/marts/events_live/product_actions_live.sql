{{ config(alias='PRODUCT_ACTIONS') }}
{# EVENTS_LIVE.PRODUCT_ACTIONS: EVENTS.PRODUCT_ACTIONS as the next run would make it, from EVENTS_LIVE.LOGS (select_product_actions). #}
with

logs as (

    select * from {{ ref('logs_live') }}

),

product_actions as (

    {{ select_product_actions('logs') }}

)

select * from product_actions
