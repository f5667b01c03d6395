{# Explodes the enhanced-ecommerce parameters pr<N><field> of each hit into one row per (hit, N, field):
   columns log_id, product_index, field, value. #}
{% macro hit_products(relation) -%}
  {{ return(adapter.dispatch('hit_products')(relation)) }}
{%- endmacro %}

{% macro default__hit_products(relation) -%}
  with keyed as (
    select log_id, req_body, unnest(json_keys(req_body)) as param
    from {{ relation }}
  )
  select
    log_id,
    cast(regexp_extract(param, '^pr([0-9]+)([a-z]+[0-9]*)$', 1) as integer) as product_index,
    regexp_extract(param, '^pr([0-9]+)([a-z]+[0-9]*)$', 2) as field,
    json_extract_string(req_body, '$."' || param || '"') as value
  from keyed
  where regexp_matches(param, '^pr[0-9]+[a-z]+[0-9]*$')
{%- endmacro %}

{% macro snowflake__hit_products(relation) -%}
  select
    h.log_id,
    to_number(regexp_substr(f.key, '^pr([0-9]+)([a-z]+[0-9]*)$', 1, 1, 'e', 1)) as product_index,
    regexp_substr(f.key, '^pr([0-9]+)([a-z]+[0-9]*)$', 1, 1, 'e', 2) as field,
    f.value::varchar as value
  from {{ relation }} as h, lateral flatten(input => h.req_body) as f
  where regexp_like(f.key, '^pr[0-9]+[a-z]+[0-9]*$')
{%- endmacro %}
