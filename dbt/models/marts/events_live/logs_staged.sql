{{ config(alias='LOGS_STAGED') }}
{#
  EVENTS.LOGS as the next run would make it for the clients with raw rows loaded since the last run:
  every hit of those clients, sessionized like EVENTS.LOGS. A view: it follows the pipe within seconds.
#}
with sessionized as (

    select * from {{ ref('int_logs_sessionized') }}
    where client_id in (
        select distinct client_id from {{ ref('stg_raw__logs') }}
        where log_timestamp > (select coalesce(max(log_timestamp), cast('1970-01-01' as timestamp)) from {{ ref('logs') }})
    )

)

{{ select_logs('sessionized') }}
