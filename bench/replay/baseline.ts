/**
 * The yardstick of the full-scale benchmark: DuckDB alone computing the daily figures of STATS.OVERVIEW_1D
 * (pageviews, product actions, transactions, revenue, sessions by a 30-minute gap) straight from the dataset's
 * CSV, with read_csv and two window functions, in the memory and threads the pipeline has. Prints the days it
 * found and the totals, so that a run can be checked against the pipeline's STATS.
 *
 *   node --import tsx bench/replay/baseline.ts --dataset DIR [--memory-limit 2.5GB] [--threads 2]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { SETTINGS } from '../../src/config/settings.ts';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    'memory-limit': { type: 'string', default: SETTINGS.memoryLimit.default },
    threads: { type: 'string', default: '2' },
  },
});
if (!values.dataset) throw new Error('--dataset DIR is required');
const file = (name: string) => path.join(values.dataset as string, name).replaceAll("'", "''");

const instance = await DuckDBInstance.create(':memory:', {
  memory_limit: values['memory-limit'] as string,
  threads: values.threads as string,
  preserve_insertion_order: 'false',
});
const connection = await instance.connect();
const result = await connection.runAndReadAll(`
with browsing as (
    select session_id_hash as session, event_type, product_action as action, product_sku_hash as sku,
        epoch_ms(server_timestamp_epoch_ms) as happened
    from read_csv('${file('browsing_train.csv')}', header = true, all_varchar = false)
),
prices as (
    select product_sku_hash as sku, try_cast(price_bucket as double) as price
    from read_csv('${file('sku_to_content.csv')}', header = true, all_varchar = true)
),
gaps as (
    select *, coalesce(happened - lag(happened) over (partition by session order by happened) >= interval 30 minutes, true)::int as starts
    from browsing
),
numbered as (
    select *, sum(starts) over (partition by session order by happened rows unbounded preceding) as visit
    from gaps
)
select
    date_trunc('day', happened) as day,
    count(*) filter (where event_type = 'pageview') as pageviews,
    count(*) filter (where action = 'detail') as product_details,
    count(*) filter (where action = 'add') as add_to_cart,
    count(*) filter (where action = 'remove') as remove_from_cart,
    count(*) filter (where action = 'purchase') as transactions,
    coalesce(sum(price) filter (where action = 'purchase'), 0) as revenue,
    count(distinct (session, visit)) as sessions
from numbered left join prices using (sku)
group by 1
order by 1
`);
const days = result.getRowObjectsJson();
const total = (column: string) => days.reduce((sum, day) => sum + Number(day[column]), 0);
console.log(
  `${days.length} days: ${total('pageviews')} pageviews, ${total('product_details')} product details, ` +
    `${total('transactions')} transactions, ${total('sessions')} session-days`,
);
connection.closeSync();
instance.closeSync();
