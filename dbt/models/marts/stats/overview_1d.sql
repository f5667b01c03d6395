{{ config(alias='OVERVIEW_1D') }}
{{ overview('day') }}
