{{ config(alias='PRODUCT_ACTIONS') }}
{{ select_product_actions(ref('logs_live')) }}
