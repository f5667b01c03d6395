{#
  `unique` and `not_null` in one query: each row has a value, distinct. Each test is a dbt node with a cost of
  dbt's own whatever the table's size: two tests per key paid it twice at every build. For the tables of hits,
  which grow with every build, `primary_key_in_build`.
#}
{% test primary_key(model, column_name) %}
select {{ column_name }} as value, count(*) as n_records
from {{ model }}
group by {{ column_name }}
having count(*) > 1 or {{ column_name }} is null
{% endtest %}
