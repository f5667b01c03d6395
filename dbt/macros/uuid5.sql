{# UUID v5 (RFC 4122) of a name in a namespace, both SQL expressions, lower-case text: the same value as
   Python's uuid.uuid5 and Snowflake's UUID_STRING(namespace, name). #}
{% macro uuid5(namespace, name) -%}
  {{ return(adapter.dispatch('uuid5')(namespace, name)) }}
{%- endmacro %}

{# DuckDB has none: RAW.UUID_V5, the macro the pipe defines in RAW (src/pipe/schema.ts) and uses for LOG_IDs. #}
{% macro duckdb__uuid5(namespace, name) -%}
  RAW.UUID_V5({{ namespace }}, {{ name }})
{%- endmacro %}

{% macro snowflake__uuid5(namespace, name) -%}
  uuid_string({{ namespace }}, {{ name }})
{%- endmacro %}

{% macro default__uuid5(namespace, name) -%}
  {{ not_supported("uuid5") }}
{%- endmacro %}
