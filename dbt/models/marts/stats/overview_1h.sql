{{ config(alias='OVERVIEW_1H') }}
{{ overview('hour', ref('logs'), ref('product_actions'), ref('purchases')) }}
