{{ config(alias='LOGS_STAGING') }}
{#
  EVENTS.LOGS as the next run would make it for the clients with raw rows loaded since the last run: every hit
  of those clients, sessionized like EVENTS.LOGS (stage_logs). The live views read it through logs_staged.
#}
with

new_hits as (

    select * from {{ ref('new_hits') }}

),

{{ stage_logs('new_hits', ref('logs')) }}
