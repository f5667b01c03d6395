{{ config(alias='EVENTS') }}
{#
  EVENTS_LIVE.EVENTS: EVENTS.EVENTS as the next run would make it. The rows of a client without new hits are
  the table's; those of the others are made from their staged hits (select_events, as the table makes them), so
  that a read costs what is new, not a recomputation of every hit.
#}
with

staged as {{ not_materialized() }} (

    select * from {{ ref('logs_staged') }}

),

events as (

    {{ select_events('staged') }}

)

select * from {{ ref('events') }}
where client_id not in (select client_id from staged)
union all
select * from events
