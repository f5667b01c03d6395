{# The current time in UTC, as a timestamp without time zone: when a row was made (`created_at`). #}
{% macro utc_now() -%}
  {{ return(adapter.dispatch('utc_now')()) }}
{%- endmacro %}

{% macro duckdb__utc_now() -%}
  timezone('UTC', now())
{%- endmacro %}

{% macro snowflake__utc_now() -%}
  sysdate()
{%- endmacro %}

{% macro default__utc_now() -%}{{ not_supported('utc_now') }}{%- endmacro %}
