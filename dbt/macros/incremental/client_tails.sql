{#
  The `client_tails` incremental strategy: each tail's client (see `log_tails`) has its rows deleted from the
  tail's `rebuild_from` on, then the new rows are inserted. Rows before it are kept as they are. The tails, not
  the new rows, say what to delete: a client whose rebuilt tail has no row left loses its old ones too.
#}
{% macro get_incremental_client_tails_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    -- a literal bound as well: it lets the warehouse skip the row groups before every tail
    where {{ target }}.event_timestamp >= {{ oldest_tail() }}
      and exists (
        select 1
        from {{ log_tails() }} tails
        where tails.client_id = {{ target }}.client_id and {{ target }}.event_timestamp >= tails.rebuild_from
    );
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#
  The `periods_from` incremental strategy of the STATS tables: every period from `stats_since()` on is deleted
  (those whose rows all vanished too), then the periods recomputed from there are inserted.
#}
{% macro get_incremental_periods_from_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }} where timestamp >= {{ stats_since() }};
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
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
