{{ config(alias='PURCHASES', unique_key='client_id', incremental_strategy='delete+insert') }}
{# One row per transaction (EVENTS.LOGS keeps the first hit of each transaction id). #}
{{ select_purchases(ref('logs'), rebuilt_clients_filter()) }}
