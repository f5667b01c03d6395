{{ config(alias='USER_AGENTS', unique_key='id', incremental_strategy='delete+insert') }}
{# One row per distinct user agent seen in EVENTS.LOGS, parsed by ua-parser-js. #}
with user_agents as (

    select user_agent_id, min(user_agent) as user_agent
    from {{ ref('logs') }}
    where user_agent is not null
    {% if is_incremental() %}
      and user_agent_id not in (select id from {{ this }})
    {% endif %}
    group by user_agent_id

),

parsed as (

    {{ parse_user_agent('user_agents') }}

)

select *, {{ utc_now() }} as created_at from parsed
