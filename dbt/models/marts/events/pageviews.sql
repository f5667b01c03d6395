{{ config(alias='PAGEVIEWS', unique_key='client_id', incremental_strategy='delete+insert') }}
{{ select_pageviews(ref('logs'), rebuilt_clients_filter()) }}
