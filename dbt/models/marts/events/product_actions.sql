{{ config(alias='PRODUCT_ACTIONS', unique_key='client_id', incremental_strategy='delete+insert') }}
{# One row per product (pr<N>…) of a hit with a product action. #}
{{ select_product_actions(ref('logs'), rebuilt_clients_filter()) }}
