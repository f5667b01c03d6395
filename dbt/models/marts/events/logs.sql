{{ config(alias='LOGS', unique_key='client_id', incremental_strategy='delete+insert') }}
-- depends_on: {{ ref('stg_raw__logs') }}
{#
  EVENTS.LOGS: sessionized, enriched hits. An incremental run rebuilds every hit of the clients that have
  raw rows loaded since the last run, replacing all of theirs (unique key: client), so that it equals a
  full refresh. `built_at` tells the models downstream which clients were rebuilt.
#}
with sessionized as (

    select * from {{ ref('int_logs_sessionized') }}

    {% if is_incremental() %}
    where client_id in (
        select distinct client_id from {{ ref('stg_raw__logs') }}
        where log_timestamp > (select coalesce(max(log_timestamp), '1970-01-01'::timestamp) from {{ this }})
    )
    {% endif %}

),

final as (

    {{ select_logs('sessionized') }}

)

select * from final
