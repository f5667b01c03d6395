{{ config(alias='PRODUCT_ACTIONS', unique_key='client_id', incremental_strategy='client_tails') }}
{# One row per product (pr<N>…) of a hit with a product action. #}
{{ with_rebuild_from(select_product_actions(rebuilt_logs())) }}
