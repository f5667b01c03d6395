{{ config(alias='EVENTS') }}
{{ select_events(ref('logs_live')) }}
