{{ config(
    alias='PRODUCT_ACTIONS',
    incremental_strategy='client_tails',
    post_hook="{{ record_tails_consumed() }}",
) }}
-- depends_on: {{ ref('int_log_tails') }}
{#
  EVENTS.PRODUCT_ACTIONS: one row per product (`pr<N>…`) of a hit with a product action. An incremental run rebuilds the tails of
  EVENTS.LOGS made since this model last ran; EVENTS_LIVE.PRODUCT_ACTIONS makes the same rows (select_product_actions).
#}
with

logs as (

    select * from {{ tail_rows(ref('logs')) }} logs

),

product_actions as (

    {{ select_product_actions('logs') }}

)

select * from product_actions
