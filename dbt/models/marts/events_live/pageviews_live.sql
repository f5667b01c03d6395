{{ config(alias='PAGEVIEWS') }}
{# EVENTS_LIVE.PAGEVIEWS: EVENTS.PAGEVIEWS as the next run would make it, from EVENTS_LIVE.LOGS (select_pageviews). #}
with

logs as (

    select * from {{ ref('logs_live') }}

),

pageviews as (

    {{ select_pageviews('logs') }}

)

select * from pageviews
