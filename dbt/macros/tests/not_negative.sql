{# A figure is never below zero (nulls are not_null's business). #}
{% test not_negative(model, column_name) %}
select {{ column_name }} from {{ model }} where {{ column_name }} < 0
{% endtest %}
