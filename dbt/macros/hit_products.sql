{#
  The enhanced-ecommerce products of each hit: one row per (hit, N) of its parameters pr<N><field>, with
  every column of the hit, `product_index` (N), the known fields as columns (id, va, nm, br, ca, pr, qt, ps:
  the greatest value when given twice) and the others in `product_raw_data` (a map, NULL when none).
#}
{% macro hit_products(relation) -%}
  {{ return(adapter.dispatch('hit_products')(relation)) }}
{%- endmacro %}

{% macro known_product_fields() -%}
  {{ return(['id', 'va', 'nm', 'br', 'ca', 'pr', 'qt', 'ps']) }}
{%- endmacro %}

{#
  DuckDB: each body parsed once into a map, and each hit's products picked from its own list of parameters.
  A JSON parse per parameter, then a GROUP BY of the parameters back into products, took 5.5 minutes and
  4.9 GB at 36M hits (the group's strings stay in memory, outside DuckDB's limit).
#}
{% macro default__hit_products(relation) -%}{{ not_supported('hit_products') }}{%- endmacro %}

{% macro duckdb__hit_products(relation) -%}
  {%- set product_param = "'^pr([0-9]+)([a-z]+[0-9]*)$'" -%}
  with bodies as (

    -- a body that is not an object of parameters has no products
    select *, try(from_json(req_body, '"MAP(VARCHAR, VARCHAR)"')) as body_params
    from {{ relation }}

  ),

  params as (

    select
        *,
        list_transform(
            list_filter(map_entries(body_params), lambda e: regexp_matches(e.key, {{ product_param }})),
            lambda e: {
                'product_index': cast(regexp_extract(e.key, {{ product_param }}, 1) as integer),
                'field': regexp_extract(e.key, {{ product_param }}, 2),
                'value': e.value
            }
        ) as product_params
    from bodies

  ),

  products as (

    select
        * exclude (body_params),
        unnest(list_distinct(list_transform(product_params, lambda p: p.product_index))) as product_index
    from params

  )

  select
    * exclude (product_params),
    {{ product_field('id') }} as product_id,
    {{ product_field('va') }} as product_variant,
    {{ product_field('nm') }} as product_name,
    {{ product_field('br') }} as product_brand,
    {{ product_field('ca') }} as product_category,
    try_cast({{ product_field('pr') }} as double) as product_price,
    try_cast({{ product_field('qt') }} as integer) as product_quantity,
    try_cast({{ product_field('ps') }} as integer) as product_position,
    map_from_entries(nullif(list_transform(
        list_filter(
            product_params,
            lambda p: p.product_index = product_index and p.field not in ('{{ known_product_fields() | join("', '") }}')
        ),
        lambda p: {'key': p.field, 'value': p.value}
    ), [])) as product_raw_data
  from products
{%- endmacro %}

{# DuckDB: the greatest value of product `product_index`'s field `name`, from the hit's `product_params`. #}
{% macro product_field(name) -%}
    list_max(list_transform(
        list_filter(product_params, lambda p: p.product_index = product_index and p.field = '{{ name }}'),
        lambda p: p.value
    ))
{%- endmacro %}

{% macro snowflake__hit_products(relation) -%}
  with params as (

    select
      h.log_id,
      to_number(regexp_substr(f.key, '^pr([0-9]+)([a-z]+[0-9]*)$', 1, 1, 'e', 1)) as product_index,
      regexp_substr(f.key, '^pr([0-9]+)([a-z]+[0-9]*)$', 1, 1, 'e', 2) as field,
      f.value::varchar as value,
      f.value as raw_value
    from {{ relation }} as h, lateral flatten(input => h.req_body) as f
    where regexp_like(f.key, '^pr[0-9]+[a-z]+[0-9]*$')

  ),

  products as (

    select
      log_id,
      product_index,
      max(case when field = 'id' then value end) as product_id,
      max(case when field = 'va' then value end) as product_variant,
      max(case when field = 'nm' then value end) as product_name,
      max(case when field = 'br' then value end) as product_brand,
      max(case when field = 'ca' then value end) as product_category,
      try_cast(max(case when field = 'pr' then value end) as double) as product_price,
      try_cast(max(case when field = 'qt' then value end) as integer) as product_quantity,
      try_cast(max(case when field = 'ps' then value end) as integer) as product_position,
      nullif(object_agg(case when field not in ('{{ known_product_fields() | join("', '") }}') then field end, raw_value), object_construct()) as product_raw_data
    from params
    group by log_id, product_index

  )

  select h.*, p.* exclude (log_id)
  from {{ relation }} as h
  join products as p on p.log_id = h.log_id
{%- endmacro %}
