{{ config(alias='EVENTS', unique_key='client_id', incremental_strategy='delete+insert') }}
{{ select_events(ref('logs'), rebuilt_clients_filter()) }}
