{# A JSON field as text: the one place that knows each warehouse's JSON path syntax. #}
{% macro json_text(column, path) -%}
  {{ return(adapter.dispatch('json_text')(column, path)) }}
{%- endmacro %}

{% macro default__json_text(column, path) -%}{{ not_supported('json_text') }}{%- endmacro %}

{% macro duckdb__json_text(column, path) -%}
  json_extract_string({{ column }}, '$.{{ path }}')
{%- endmacro %}

{% macro snowflake__json_text(column, path) -%}
  {{ column }}:{{ path }}::varchar
{%- endmacro %}
