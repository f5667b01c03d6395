{{ config(alias='LOGS') }}
{# EVENTS_LIVE.LOGS: the materialized hits of the clients untouched since the last run, and the staged
   hits of the others (which replace theirs), so that nothing is counted twice. #}
with

staged as {{ not_materialized() }} (

    select * from {{ ref('logs_staged') }}

)

select * from {{ ref('logs') }}
where client_id not in (select client_id from staged)
union all
select * from staged
