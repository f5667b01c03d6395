{{ config(alias='PAGEVIEWS') }}
{#
  EVENTS_LIVE.PAGEVIEWS: EVENTS.PAGEVIEWS as the next run would make it. The rows of a client without new hits are
  the table's; those of the others are made from their staged hits (select_pageviews, as the table makes them), so
  that a read costs what is new, not a recomputation of every hit.
#}
with

staged as {{ not_materialized() }} (

    select * from {{ ref('logs_staged') }}

),

pageviews as (

    {{ select_pageviews('staged') }}

)

select * from {{ ref('pageviews') }}
where client_id not in (select client_id from staged)
union all
select * from pageviews
