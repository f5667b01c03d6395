import type { Grain, Range, TopBy } from './params.ts';

/**
 * The API's SQL on the embedded warehouse (DuckDB). Numbers come out as DOUBLE, so that they reach JSON as
 * numbers, and times as ISO 8601 strings in UTC. The ranges are whole milliseconds checked by params.ts.
 */
const ISO = "'%Y-%m-%dT%H:%M:%SZ'";

function at(ms: number): string {
  if (!Number.isSafeInteger(ms)) throw new Error(`not a time in milliseconds: ${ms}`);
  return `make_timestamp(${ms * 1000})`;
}

const within = (range: Range) =>
  `event_timestamp >= ${at(range.fromMs)} and event_timestamp < ${at(range.toMs)}`;

/** Rows of STATS.OVERVIEW_1H / _1D whose period overlaps the range, oldest first. */
export function overviewSql(grain: Grain, range: Range): string {
  const table = grain === 'hour' ? 'STATS.OVERVIEW_1H' : 'STATS.OVERVIEW_1D';
  return `select
  strftime(timestamp, ${ISO}) as timestamp,
  columns(* exclude (timestamp, created_at))::double,
  strftime(created_at, ${ISO}) as created_at
from ${table}
where timestamp >= date_trunc('${grain}', ${at(range.fromMs)}) and timestamp < ${at(range.toMs)}
order by timestamp`;
}

/**
 * The counters of a period, from the live views (the hits loaded since the last dbt run included): one row.
 * `users` is null when no hit of the period carries a user id (the figure does not apply).
 */
export function liveFiguresSql(range: Range): string {
  return `with

hits as (
    select session_id, user_id, hit_type from EVENTS_LIVE.LOGS where ${within(range)}
),

products as (
    select product_action, currency_code from EVENTS_LIVE.PRODUCT_ACTIONS where ${within(range)}
),

purchases as (
    select transaction_revenue from EVENTS_LIVE.PURCHASES where ${within(range)}
)

select
    (select count(distinct session_id) from hits)::double as sessions,
    (select case when count(user_id) > 0 then count(distinct user_id) end from hits)::double as users,
    (select count(*) from hits where hit_type = 'pageview')::double as pageviews,
    (select count(*) from products where product_action = 'detail')::double as product_views,
    (select count(*) from products where product_action = 'add')::double as add_to_carts,
    (select count(*) from purchases)::double as transactions,
    (select coalesce(sum(transaction_revenue), 0) from purchases)::double as revenue,
    (select mode(currency_code) from products where product_action = 'purchase') as currency`;
}

/** Sessions that saw a product's detail, added one to the cart, bought one, in the range (live views). */
export function funnelSql(range: Range): string {
  return `select
    count(distinct case when product_action = 'detail' then session_id end)::double as detail_sessions,
    count(distinct case when product_action = 'add' then session_id end)::double as add_sessions,
    count(distinct case when product_action = 'purchase' then session_id end)::double as purchase_sessions
from EVENTS_LIVE.PRODUCT_ACTIONS
where ${within(range)}`;
}

const TOP_MEASURE: Record<TopBy, string> = { views: 'views', adds: 'adds', purchases: 'purchases' };

/** The products most viewed (details), added or bought (items) in the range, with all three figures. */
export function topProductsSql(by: TopBy, range: Range, limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`not a limit: ${limit}`);
  return `select
    product_id,
    max(product_name) as product_name,
    max(product_brand) as product_brand,
    max(product_category) as product_category,
    count(case when product_action = 'detail' then 1 end)::double as views,
    count(case when product_action = 'add' then 1 end)::double as adds,
    coalesce(sum(case when product_action = 'purchase' then coalesce(product_quantity, 1) end), 0)::double as purchases
from EVENTS_LIVE.PRODUCT_ACTIONS
where ${within(range)} and product_id is not null
group by product_id
having ${TOP_MEASURE[by]} > 0
order by ${TOP_MEASURE[by]} desc, product_id
limit ${limit}`;
}
