{#
  The `client_tails` incremental strategy: the new rows carry `rebuild_from`, the time from which their
  client's rows are rebuilt. Each such client's rows from that time on are deleted, then the new rows
  inserted (without `rebuild_from`, which the table does not have). Rows before it are kept as they are.
#}
{% macro get_incremental_client_tails_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where exists (
        select 1
        from (select client_id, min(rebuild_from) as rebuild_from from {{ source }} group by client_id) tails
        where tails.client_id = {{ target }}.client_id and {{ target }}.event_timestamp >= tails.rebuild_from
    );
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }}
{%- endmacro %}

{#
  A timestamp computed when the model compiles (a SQL literal; `otherwise` when the query gives none): a bound
  the warehouse can use to skip old data, which a subquery would not let it do.
#}
{% macro incremental_literal(sql, otherwise="cast('1970-01-01' as timestamp)") -%}
    {%- if execute -%}
        {%- set value = run_query(sql).columns[0].values()[0] -%}
    {%- endif -%}
    {%- if value is not none and value is defined -%}
        cast('{{ value }}' as timestamp)
    {%- else -%}
        {{ otherwise }}
    {%- endif -%}
{%- endmacro %}
