{# The original object names: a model's schema is exactly its configured one (EVENTS, STATS, …), not
   prefixed by the target's schema as dbt does by default. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
