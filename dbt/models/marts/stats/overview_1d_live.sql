{{ config(materialized='view', alias='OVERVIEW_1D_LIVE') }}
{# Today's (and every day's) overview from EVENTS_LIVE: includes the hits loaded since the last run. #}
{{ overview('day', ref('logs_live'), ref('product_actions_live'), ref('purchases_live')) }}
