{{ config(alias='PAGEVIEWS') }}
{{ select_pageviews(ref('logs_live')) }}
