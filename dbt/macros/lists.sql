{#
  Lists, which each warehouse spells its own way: DuckDB's LIST(VARCHAR), Snowflake's ARRAY.
#}

{# An aggregate: the distinct non-null values of `column`, sorted; an empty list when there are none. #}
{% macro sorted_distinct_list(column) -%}
  {{ return(adapter.dispatch('sorted_distinct_list')(column)) }}
{%- endmacro %}

{% macro duckdb__sorted_distinct_list(column) -%}
  {#- no list for rows without a value: at 36M hits, lists of NULLs alone outgrew the memory limit -#}
  coalesce(list_sort(list_distinct(list({{ column }}) filter (where {{ column }} is not null))), [])
{%- endmacro %}

{% macro snowflake__sorted_distinct_list(column) -%}
  {#- ARRAY_AGG leaves NULLs out, and makes [] of none -#}
  array_agg(distinct {{ column }}) within group (order by {{ column }})
{%- endmacro %}

{#
  An aggregate: the set of the ids in `column` (texts without commas, such as UUIDs), for `id_set_has`. On
  Snowflake, a comma-separated text: an id cannot straddle two others, as none holds a comma.
#}
{% macro id_set(column) -%}
  {{ return(adapter.dispatch('id_set')(column)) }}
{%- endmacro %}

{% macro duckdb__id_set(column) -%}
  list({{ column }})
{%- endmacro %}

{% macro snowflake__id_set(column) -%}
  listagg({{ column }}, ',')
{%- endmacro %}

{# Whether the `id_set` `set` holds the id `id`. #}
{% macro id_set_has(set, id) -%}
  {{ return(adapter.dispatch('id_set_has')(set, id)) }}
{%- endmacro %}

{% macro duckdb__id_set_has(set, id) -%}
  list_contains({{ set }}, {{ id }})
{%- endmacro %}

{% macro snowflake__id_set_has(set, id) -%}
  contains({{ set }}, {{ id }})
{%- endmacro %}

{% macro default__sorted_distinct_list(column) -%}{{ not_supported('sorted_distinct_list') }}{%- endmacro %}
{% macro default__id_set(column) -%}{{ not_supported('id_set') }}{%- endmacro %}
{% macro default__id_set_has(set, id) -%}{{ not_supported('id_set_has') }}{%- endmacro %}

{# The error of a macro that has no version for this warehouse. #}
{% macro not_supported(name) -%}
  {{ exceptions.raise_compiler_error(name ~ ": the " ~ adapter.type() ~ " adapter is not supported (DuckDB and Snowflake are)") }}
{%- endmacro %}
