{{ config(alias='PURCHASES') }}
{{ select_purchases(ref('logs_live')) }}
