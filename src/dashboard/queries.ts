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
 * The counters of today so far and of yesterday up to the same time, from the live views (the hits loaded
 * since the last dbt run included), in one pass over each view: a row per period. `users` is null when no hit
 * of the period carries a user id (the figure does not apply).
 */
export function liveFiguresSql(today: Range, yesterday: Range): string {
  const inEither = `((${within(today)}) or (${within(yesterday)}))`;
  const period = `case when event_timestamp >= ${at(today.fromMs)} then 'today' else 'yesterday' end as period`;
  return `with

hits as (
    select ${period}, session_id, user_id, hit_type from EVENTS_LIVE.LOGS where ${inEither}
),

products as (
    select ${period}, product_action, currency_code from EVENTS_LIVE.PRODUCT_ACTIONS where ${inEither}
),

purchases as (
    select ${period}, transaction_revenue from EVENTS_LIVE.PURCHASES where ${inEither}
),

hit_figures as (
    select
        period,
        count(distinct session_id) as sessions,
        case when count(user_id) > 0 then count(distinct user_id) end as users,
        count(case when hit_type = 'pageview' then 1 end) as pageviews
    from hits
    group by period
),

product_figures as (
    select
        period,
        count(case when product_action = 'detail' then 1 end) as product_views,
        count(case when product_action = 'add' then 1 end) as add_to_carts,
        mode(case when product_action = 'purchase' then currency_code end) as currency
    from products
    group by period
),

purchase_figures as (
    select period, count(*) as transactions, coalesce(sum(transaction_revenue), 0) as revenue
    from purchases
    group by period
)

select
    periods.period,
    coalesce(hit_figures.sessions, 0)::double as sessions,
    hit_figures.users::double as users,
    coalesce(hit_figures.pageviews, 0)::double as pageviews,
    coalesce(product_figures.product_views, 0)::double as product_views,
    coalesce(product_figures.add_to_carts, 0)::double as add_to_carts,
    coalesce(purchase_figures.transactions, 0)::double as transactions,
    coalesce(purchase_figures.revenue, 0)::double as revenue,
    product_figures.currency
from (values ('today'), ('yesterday')) periods(period)
left join hit_figures on hit_figures.period = periods.period
left join product_figures on product_figures.period = periods.period
left join purchase_figures on purchase_figures.period = periods.period`;
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
