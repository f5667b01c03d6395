{#
  `primary_key` for an incremental table at the cost of what a build made, not of the whole table: the rows this
  build made (`built_at` in this run: every row in a full refresh) each have a value, distinct, and none of them
  is the value of a row kept from before (which was checked when it was built). A full table's `unique` groups
  every row at every build: at 38M hits, most of an incremental build. One test, not a `not_null` beside it: each
  test is a dbt node with a cost of dbt's own, whatever it reads.

  The ids are the hits' LOG_IDs: a kept row with a built row's id is the same hit, at the same `time_column`
  (a hit's event time comes from its record alone). So only the kept rows from the earliest built row's time on
  are compared, a bound written as a literal, which lets the warehouse skip the row groups before it.
#}
{% test primary_key_in_build(model, column_name, time_column='event_timestamp') %}
{%- set built_since = incremental_literal(
    "select min(" ~ time_column ~ ") from " ~ model ~ " where built_at >= " ~ run_started(), otherwise=never()
) -%}
with built as (

    select {{ column_name }} as value from {{ model }} where built_at >= {{ run_started() }}

)

select value from built group by value having count(*) > 1 or value is null
union all
select kept.{{ column_name }}
from {{ model }} kept join built on built.value = kept.{{ column_name }}
where kept.built_at < {{ run_started() }}
  and kept.{{ time_column }} >= {{ built_since }}
{% endtest %}
