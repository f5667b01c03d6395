{{ config(alias='USER_AGENTS') }}
with user_agents as (

    select user_agent_id, min(user_agent) as user_agent
    from {{ ref('logs_staged') }}
    where user_agent is not null and user_agent_id not in (select id from {{ ref('user_agents') }})
    group by user_agent_id

),

parsed as (

    {{ parse_user_agent('user_agents') }}

)

select * from {{ ref('user_agents') }}
union all
select *, {{ utc_now() }} as created_at from parsed
