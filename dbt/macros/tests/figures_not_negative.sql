{#
  Every figure of a table of figures (each of its columns but `other_columns`) is present and never below zero,
  in one query. A `not_null` and a `not_negative` test per column would make two dbt nodes per figure, each with
  a cost of dbt's own whatever the table's size: most of an incremental build's tests. A failing row names its
  figure.
#}
{% test figures_not_negative(model, other_columns) %}
{%- set others = other_columns | map('lower') | list -%}
{%- set figures = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(model) if column.name | lower not in others -%}
        {%- do figures.append(column.name) -%}
    {%- endfor -%}
    {%- if figures | length == 0 -%}
        {{ exceptions.raise_compiler_error("figures_not_negative: " ~ model ~ " has no column but " ~ others | join(', ')) }}
    {%- endif -%}
{%- endif -%}
{%- for figure in figures %}
select '{{ figure | lower }}' as figure, {{ figure }} as value from {{ model }} where {{ figure }} is null or {{ figure }} < 0
{% if not loop.last %}union all{% endif %}
{%- else %}
select null as figure, null as value where 1 = 0
{%- endfor %}
{% endtest %}
