{{ config(alias='PURCHASES') }}
{# EVENTS_LIVE.PURCHASES: EVENTS.PURCHASES as the next run would make it, from EVENTS_LIVE.LOGS (select_purchases). #}
with

logs as (

    select * from {{ ref('logs_live') }}

),

purchases as (

    {{ select_purchases('logs') }}

)

select * from purchases
