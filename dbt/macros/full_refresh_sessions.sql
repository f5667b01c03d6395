{#
  The table in which a full refresh of EVENTS.LOGS stages every session before joining the hits to them (its
  pre-hook makes it, its post-hook drops it), and the statement that fills it (none on incremental runs).
#}
{% macro full_refresh_sessions() -%}
    {{ return(this.incorporate(path={'identifier': this.identifier ~ '__FULL_REFRESH_SESSIONS'})) }}
{%- endmacro %}

{% macro stage_full_refresh_sessions() -%}
    {%- if not is_incremental() -%}
    create or replace table {{ full_refresh_sessions() }} as
    {{ sessions_of(ref('stg_raw__log_keys')) }}
    {%- endif -%}
{%- endmacro %}
