{{ config(alias='LOGS_STAGED') }}
{#
  EVENTS.LOGS as the next run would make it for the clients with raw rows loaded since the last run: every hit
  of those clients, sessionized like EVENTS.LOGS. A view: it follows the pipe within seconds.
#}
with

built as (

    select max(log_timestamp) as loaded_until from {{ ref('logs') }}

),

new_clients as (

    select distinct client_id
    from {{ ref('stg_raw__logs') }}
    where log_timestamp > (select coalesce(loaded_until, cast('1970-01-01' as timestamp)) from built)

),

hits as (

    -- every hit of those clients: sessionizing a client needs its whole history
    select * from {{ ref('stg_raw__logs') }}
    where client_id in (select client_id from new_clients)

),

{{ session_ctes('hits') }},

sessionized as (

    {{ join_sessions('hits', 'sessions') }}

),

final as (

    {{ select_logs('sessionized') }}

)

select * from final
