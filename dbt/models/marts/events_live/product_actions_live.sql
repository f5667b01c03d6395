{{ config(alias='PRODUCT_ACTIONS') }}
{#
  EVENTS_LIVE.PRODUCT_ACTIONS: EVENTS.PRODUCT_ACTIONS as the next run would make it. The rows of a client without new hits are
  the table's; those of the others are made from their staged hits (select_product_actions, as the table makes them), so
  that a read costs what is new, not a recomputation of every hit.
#}
with

staged as {{ not_materialized() }} (

    select * from {{ ref('logs_staged') }}

),

product_actions as (

    {{ select_product_actions('staged') }}

)

select * from {{ ref('product_actions') }}
where client_id not in (select client_id from staged)
union all
select * from product_actions
