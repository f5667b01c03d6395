{{ config(alias='PURCHASES') }}
{#
  EVENTS_LIVE.PURCHASES: EVENTS.PURCHASES as the next run would make it. The rows of a client without new hits are
  the table's; those of the others are made from their staged hits (select_purchases, as the table makes them), so
  that a read costs what is new, not a recomputation of every hit.
#}
with

staged as {{ not_materialized() }} (

    select * from {{ ref('logs_staged') }}

),

purchases as (

    {{ select_purchases('staged') }}

)

select * from {{ ref('purchases') }}
where client_id not in (select client_id from staged)
union all
select * from purchases
