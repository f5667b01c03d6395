{{ config(alias='EVENTS') }}
{# EVENTS_LIVE.EVENTS: EVENTS.EVENTS as the next run would make it, from EVENTS_LIVE.LOGS (select_events). #}
with

logs as (

    select * from {{ ref('logs_live') }}

),

events as (

    {{ select_events('logs') }}

)

select * from events
