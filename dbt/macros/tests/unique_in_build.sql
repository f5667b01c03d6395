{#
  `unique` for an incremental table at the cost of what a build made, not of the whole table: the rows this
  build made (`built_at` in this run: every row in a full refresh) have distinct values, and none of them is
  the value of a row kept from before (which was checked when it was built). A full table's `unique` groups
  every row at every build: at 38M hits, most of an incremental build.
#}
{% test unique_in_build(model, column_name) %}
with built as (

    select {{ column_name }} as value from {{ model }} where built_at >= {{ run_started() }}

)

select value from built group by value having count(*) > 1
union all
select kept.{{ column_name }}
from {{ model }} kept join built on built.value = kept.{{ column_name }}
where kept.built_at < {{ run_started() }}
{% endtest %}
