{{ config(materialized='view', alias='OVERVIEW_1D_LIVE') }}
{# STATS.OVERVIEW_1D_LIVE: STATS.OVERVIEW_1D from EVENTS_LIVE, with the hits loaded since the last run. #}
with

logs as (

    select * from {{ ref('logs_live') }}

),

product_actions as (

    select * from {{ ref('product_actions_live') }}

),

purchases as (

    select * from {{ ref('purchases_live') }}

),

overview as (

    {{ overview('day', 'logs', 'product_actions', 'purchases') }}

)

select * from overview
