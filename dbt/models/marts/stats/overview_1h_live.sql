{{ config(materialized='view', alias='OVERVIEW_1H_LIVE') }}
{{ overview('hour', ref('logs_live'), ref('product_actions_live'), ref('purchases_live')) }}
