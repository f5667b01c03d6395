{{ config(alias='OVERVIEW_1H', materialized='incremental', unique_key='timestamp', incremental_strategy='delete+insert') }}
{{ overview('hour', stats_rows(ref('logs')), stats_rows(ref('product_actions')), stats_rows(ref('purchases'))) }}
