{# STATS.OVERVIEW_1H / _1D: one row per hour / day of event time (UTC). "active" counts distinct
   sessions / users / clients with an event in the period; "new" those whose first event of that calendar
   day falls in the period; "sum_of_X" counts product-action rows, "X" distinct (session, product) pairs. #}
{% macro overview(grain, logs, product_actions, purchases) -%}
with hits as {{ not_materialized() }} (

    select
        session_id, user_id, client_id, hit_type, event_timestamp,
        date_trunc('{{ grain }}', event_timestamp) as period,
        date_trunc('day', event_timestamp) as day
    from {{ logs }}

),

active as (

    select
        period,
        count(distinct session_id) as count_active_sessions,
        count(distinct user_id) as count_active_users,
        count(distinct client_id) as count_active_clients,
        count(case when hit_type = 'pageview' then 1 end) as pageviews
    from hits
    group by period

),

{% for who in ['session', 'user', 'client'] %}
new_{{ who }}s as (

    -- a {{ who }} is new in the period of its first event of the day (grouped: windows sorted every hit)
    select date_trunc('{{ grain }}', first_of_day) as period, count(*) as count_new_{{ who }}s
    from (
        select min(event_timestamp) as first_of_day
        from hits
        where {{ who }}_id is not null
        group by {{ who }}_id, day
    ) firsts
    group by 1

),

{% endfor %}
visits as (

    select
        active.period,
        active.count_active_sessions,
        coalesce(new_sessions.count_new_sessions, 0) as count_new_sessions,
        active.count_active_users,
        coalesce(new_users.count_new_users, 0) as count_new_users,
        active.count_active_clients,
        coalesce(new_clients.count_new_clients, 0) as count_new_clients,
        active.pageviews
    from active
    left join new_sessions on new_sessions.period = active.period
    left join new_users on new_users.period = active.period
    left join new_clients on new_clients.period = active.period

),

product_rows as (

    select date_trunc('{{ grain }}', event_timestamp) as period, product_action, session_id, product_id, product_quantity
    from {{ product_actions }}

),

product_sessions as (

    -- each (session, product) pair once per action and period
    select period, product_action, count(*) as pairs
    from (select distinct period, product_action, session_id, product_id from product_rows) pairs
    group by period, product_action

),

products as (

    select
        r.period,
        count(case when r.product_action = 'click' then 1 end) as sum_of_product_clicks,
        count(case when r.product_action = 'detail' then 1 end) as sum_of_product_details,
        count(case when r.product_action = 'add' then 1 end) as sum_of_add_to_cart,
        count(case when r.product_action = 'remove' then 1 end) as sum_of_remove_from_cart,
        coalesce(sum(case when r.product_action = 'purchase' then coalesce(r.product_quantity, 1) end), 0) as purchased_items,
        count(distinct case when r.product_action = 'purchase' then r.product_id end) as purchased_products
    from product_rows r
    group by r.period

),

pairs as (

    -- one row per period and action in product_sessions
    select
        period,
        max(case when product_action = 'click' then pairs end) as product_clicks,
        max(case when product_action = 'detail' then pairs end) as product_details,
        max(case when product_action = 'add' then pairs end) as add_to_cart,
        max(case when product_action = 'remove' then pairs end) as remove_from_cart
    from product_sessions
    group by period

),

purchase_totals as (

    select
        date_trunc('{{ grain }}', event_timestamp) as period,
        count(*) as transactions,
        coalesce(sum(transaction_revenue), 0) as transaction_revenue,
        coalesce(sum(transaction_tax), 0) as transaction_tax,
        coalesce(sum(transaction_shipping), 0) as transaction_shipping
    from {{ purchases }}
    group by 1

)

select
    visits.period as timestamp,
    visits.count_active_sessions, visits.count_new_sessions,
    visits.count_active_users, visits.count_new_users,
    visits.count_active_clients, visits.count_new_clients,
    visits.pageviews,
    coalesce(products.sum_of_product_clicks, 0) as sum_of_product_clicks,
    coalesce(pairs.product_clicks, 0) as product_clicks,
    coalesce(products.sum_of_product_details, 0) as sum_of_product_details,
    coalesce(pairs.product_details, 0) as product_details,
    coalesce(products.sum_of_add_to_cart, 0) as sum_of_add_to_cart,
    coalesce(pairs.add_to_cart, 0) as add_to_cart,
    coalesce(products.sum_of_remove_from_cart, 0) as sum_of_remove_from_cart,
    coalesce(pairs.remove_from_cart, 0) as remove_from_cart,
    coalesce(purchase_totals.transactions, 0) as transactions,
    coalesce(purchase_totals.transaction_revenue, 0) as transaction_revenue,
    coalesce(purchase_totals.transaction_tax, 0) as transaction_tax,
    coalesce(purchase_totals.transaction_shipping, 0) as transaction_shipping,
    coalesce(products.purchased_items, 0) as purchased_items,
    coalesce(products.purchased_products, 0) as purchased_products,
    {{ utc_now() }} as created_at
from visits
left join products on products.period = visits.period
left join pairs on pairs.period = visits.period
left join purchase_totals on purchase_totals.period = visits.period
{%- endmacro %}
