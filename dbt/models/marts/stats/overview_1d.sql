{{ config(alias='OVERVIEW_1D', materialized='incremental', unique_key='timestamp', incremental_strategy='delete+insert') }}
{{ overview('day', stats_rows(ref('logs')), stats_rows(ref('product_actions')), stats_rows(ref('purchases'))) }}
