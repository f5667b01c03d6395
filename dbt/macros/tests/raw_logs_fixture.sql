{#
  RAW.LOGS rows for a unit test's `format: sql` input, each a dict of some of its columns with `data`, the
  record, as a dict: the columns not given are NULL, and the record is where each warehouse's staging models
  read it (`raw_data_fields()`): on DuckDB in DATA_FIELDS too, as the pipe parses it, on Snowflake a VARIANT.
#}
{% macro raw_logs_fixture(rows) -%}
{%- set columns = adapter.get_columns_in_relation(source('raw', 'logs')) if execute else [] -%}
{%- for row in rows %}
select
  {%- for column in columns %}
  {{ raw_logs_fixture_value(row, column) }} as {{ column.name }}{{ ',' if not loop.last }}
  {%- endfor %}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- endmacro %}

{% macro raw_logs_fixture_value(row, column) -%}
  {%- set name = column.name | lower -%}
  {%- if name == 'data' -%}
    {{ return(adapter.dispatch('raw_logs_fixture_data')(row.data)) }}
  {%- elif name == 'data_fields' -%}
    {#- a DuckDB struct literal (Jinja writes a dict as one), the fields it does not name NULL -#}
    cast({{ row.data }} as {{ column.data_type }})
  {%- elif name in row -%}
    cast('{{ row[name] }}' as {{ column.data_type }})
  {%- else -%}
    cast(null as {{ column.data_type }})
  {%- endif -%}
{%- endmacro %}

{% macro duckdb__raw_logs_fixture_data(record) -%}'{{ tojson(record) }}'{%- endmacro %}

{% macro snowflake__raw_logs_fixture_data(record) -%}parse_json('{{ tojson(record) }}'){%- endmacro %}
