{#
  An expression the warehouse computes where it is written, from the columns already computed there. DuckDB
  copies the expression of a column that a filter reads into a filter below the projection that computes
  it, down to the table scan: a filter on a field of the parsed record then parses every record once more
  for the filter (at 2M hits, 16 s for stg_raw__logs instead of 8). DuckDB keeps filters on volatile
  expressions where they are, so on DuckDB the expression is made volatile by an always-true `random()`
  test. Other warehouses get the expression as it is.
#}
{% macro computed_in_place(expression) -%}
  {{ return(adapter.dispatch('computed_in_place')(expression)) }}
{%- endmacro %}

{% macro default__computed_in_place(expression) -%}
  ({{ expression }})
{%- endmacro %}

{% macro duckdb__computed_in_place(expression) -%}
  case when random() < 2 then {{ expression }} end
{%- endmacro %}
