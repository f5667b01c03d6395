{{ config(alias='OVERVIEW_1D', materialized='incremental', incremental_strategy='periods_from', post_hook="{{ record_tails_consumed() }}") }}
-- depends_on: {{ ref('int_log_tails') }}
{{ overview('day', stats_rows(ref('logs')), stats_rows(ref('product_actions')), stats_rows(ref('purchases'))) }}
