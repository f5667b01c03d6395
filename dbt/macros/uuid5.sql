{# UUID v5 (RFC 4122) of a name in a namespace, both SQL expressions, lower-case text: the same value
   as Python's uuid.uuid5 and Snowflake's UUID_STRING(namespace, name). #}
{% macro uuid5(namespace, name) -%}
  {{ return(adapter.dispatch('uuid5')(namespace, name)) }}
{%- endmacro %}

{% macro default__uuid5(namespace, name) -%}
  {%- set hex -%}sha1(from_hex(replace({{ namespace }}, '-', '')) || encode({{ name }})){%- endset -%}
  (substr({{ hex }}, 1, 8) || '-' || substr({{ hex }}, 9, 4) || '-5' || substr({{ hex }}, 14, 3) || '-'
   || substr('89ab89ab89ab89ab', strpos('0123456789abcdef', substr({{ hex }}, 17, 1)), 1)
   || substr({{ hex }}, 18, 3) || '-' || substr({{ hex }}, 21, 12))
{%- endmacro %}

{% macro snowflake__uuid5(namespace, name) -%}
  uuid_string({{ namespace }}, {{ name }})
{%- endmacro %}
