{{ config(
    alias='OVERVIEW_1D',
    incremental_strategy='periods_from',
    post_hook="{{ record_tails_consumed() }}",
) }}
-- depends_on: {{ ref('int_log_tails') }}
{#
  STATS.OVERVIEW_1D: one row per day of event time (UTC), the figures of the `overview` macro. An
  incremental run recomputes the days from the first day of the tails rebuilt since this model last ran.
#}
with

logs as (

    select * from {{ stats_rows(ref('logs')) }} logs

),

product_actions as (

    select * from {{ stats_rows(ref('product_actions')) }} product_actions

),

purchases as (

    select * from {{ stats_rows(ref('purchases')) }} purchases

),

overview as (

    {{ overview('day', 'logs', 'product_actions', 'purchases') }}

)

select * from overview
