{#
  Placed between a CTE's name and its body (`with x as {{ not_materialized() }} (…)`) for a CTE read more than
  once that is cheaper to compute again than to store. DuckDB materializes such a CTE by default: for the
  STATS overviews, the ids of every hit (36M) written out, spilled, and read back four times took 60 s where
  reading EVENTS.LOGS four times takes 18 s. Other warehouses decide for themselves.
#}
{% macro not_materialized() -%}
  {{ return(adapter.dispatch('not_materialized')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
  not materialized
{%- endmacro %}
