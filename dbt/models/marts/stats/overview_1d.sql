{{ config(alias='OVERVIEW_1D') }}
{{ overview('day', ref('logs'), ref('product_actions'), ref('purchases')) }}
