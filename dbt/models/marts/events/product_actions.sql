{{ config(alias='PRODUCT_ACTIONS', unique_key='client_id', incremental_strategy='client_tails', post_hook="{{ record_tails_consumed() }}") }}
-- depends_on: {{ ref('int_log_tails') }}
{# One row per product (pr<N>…) of a hit with a product action. #}
{{ select_product_actions(tail_rows(ref('logs'))) }}
