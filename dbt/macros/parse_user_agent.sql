{# One row per distinct user agent, parsed by ua-parser-js: in DuckDB the pipe fills a lookup table with
   it; in Snowflake the same library runs as the JavaScript UDF RAW.PARSE_USER_AGENT, or, where UDFs cannot run
   (PDI_SNOWFLAKE_USER_AGENTS=lookup, for a stand-in), `./pdi load --target snowflake` fills the lookup. #}
{% macro parse_user_agent(user_agents) -%}
  {{ return(adapter.dispatch('parse_user_agent')(user_agents)) }}
{%- endmacro %}

{% macro default__parse_user_agent(user_agents) -%}
  select
    u.user_agent_id as id,
    u.user_agent,
    l.browser_name, l.browser_version, l.browser_major, l.os_name, l.os_version,
    l.device_type, l.device_model, l.device_vendor, l.cpu_architecture, l.engine_name, l.engine_version
  from {{ user_agents }} as u
  left join {{ source('raw', 'user_agent_lookup') }} as l on l.user_agent = u.user_agent
{%- endmacro %}

{% macro snowflake__parse_user_agent(user_agents) -%}
  {%- if env_var('PDI_SNOWFLAKE_USER_AGENTS') == 'lookup' -%}
  {{ default__parse_user_agent(user_agents) }}
  {%- else -%}
  with parsed as (select u.user_agent_id, u.user_agent, RAW.PARSE_USER_AGENT(u.user_agent) as p from {{ user_agents }} as u)
  select
    user_agent_id as id, user_agent,
    p:browser.name::varchar as browser_name, p:browser.version::varchar as browser_version,
    p:browser.major::varchar as browser_major, p:os.name::varchar as os_name, p:os.version::varchar as os_version,
    p:device.type::varchar as device_type, p:device.model::varchar as device_model,
    p:device.vendor::varchar as device_vendor, p:cpu.architecture::varchar as cpu_architecture,
    p:engine.name::varchar as engine_name, p:engine.version::varchar as engine_version
  from parsed
  {%- endif -%}
{%- endmacro %}
