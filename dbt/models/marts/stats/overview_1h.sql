{{ config(alias='OVERVIEW_1H') }}
{{ overview('hour') }}
