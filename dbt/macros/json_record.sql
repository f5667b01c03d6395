{#
  A JSON column read once into a record whose fields are then cheap to reach: on DuckDB a struct of the
  given shape (`from_json`; leaves typed VARCHAR, or JSON to keep a subtree as JSON text), on Snowflake the
  VARIANT itself. `record_field` reaches a field of it by its dotted path.
#}
{% macro json_record(column, shape) -%}
  {{ return(adapter.dispatch('json_record')(column, shape)) }}
{%- endmacro %}

{% macro default__json_record(column, shape) -%}{{ not_supported('json_record') }}{%- endmacro %}

{% macro duckdb__json_record(column, shape) -%}
  from_json({{ column }}, '{{ tojson(shape) }}')
{%- endmacro %}

{% macro snowflake__json_record(column, shape) -%}
  {{ column }}
{%- endmacro %}

{% macro record_field(record, path, as_json=false) -%}
  {{ return(adapter.dispatch('record_field')(record, path, as_json)) }}
{%- endmacro %}

{% macro default__record_field(record, path, as_json) -%}{{ not_supported('record_field') }}{%- endmacro %}

{% macro duckdb__record_field(record, path, as_json) -%}
  {{ record }}{% for key in path.split('.') %}['{{ key }}']{% endfor %}
{%- endmacro %}

{% macro snowflake__record_field(record, path, as_json) -%}
  {{ record }}:{{ path }}{% if not as_json %}::varchar{% endif %}
{%- endmacro %}

{# A json_record shape of text fields: {field: 'VARCHAR', …}. #}
{% macro text_fields_shape(fields) -%}
  {%- set shape = {} -%}
  {%- for field in fields -%}
    {%- do shape.update({field: 'VARCHAR'}) -%}
  {%- endfor -%}
  {{ return(shape) }}
{%- endmacro %}
