import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { homeLayout } from '../../src/config/home.ts';
import { publishLakeObject } from '../../src/stream/index.ts';
import { runDbtUnitTests } from '../support/dbt-unit-tests.ts';
import { runPdi, tempHome } from '../support/pdi.ts';

/** A stream record as the collector writes it, received at `receivedMs` with these GA parameters. */
function hit(id: number, receivedMs: number, body: Record<string, string>) {
  const requestId = `0192f1d2-0000-7000-8000-${String(id).padStart(12, '0')}`;
  return {
    service: { id: 'api.collect' },
    context: {
      user_ip: '198.51.100.4',
      user_agent: body.ua ?? 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
      document_location: body.dl ?? null,
      document_referrer: null,
      client_id: body.cid ?? null,
      user_id: body.uid ?? null,
    },
    request: {
      id: requestId,
      timestamp: receivedMs,
      hostname: 'shop.example',
      path: '/collect',
      method: 'POST',
      headers: {},
      body,
    },
    response: { id: requestId, timestamp: receivedMs, statusCode: 200, headers: {} },
  };
}

const at = (iso: string) => Date.parse(iso);
let home: string;

async function sql(query: string): Promise<Record<string, unknown>[]> {
  const result = await runPdi(['sql', '--home', home, '--json', query]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

beforeAll(async () => {
  home = await tempHome('pdi-dbt-semantics-');
  const records = [
    // a session across midnight: 23:50 and 00:10 are 20 minutes apart
    hit(1, at('2026-11-20T23:50:00Z'), { t: 'pageview', cid: 'night', z: '1' }),
    hit(2, at('2026-11-21T00:10:00Z'), { t: 'pageview', cid: 'night', z: '2' }),
    // a 30-minute gap starts a new session
    hit(3, at('2026-11-21T00:40:00Z'), { t: 'pageview', cid: 'night', z: '3' }),
    // a retry: the same client and z, received twice
    hit(4, at('2026-11-21T10:00:00Z'), { t: 'pageview', cid: 'retry', z: '7' }),
    hit(5, at('2026-11-21T10:00:03Z'), { t: 'pageview', cid: 'retry', z: '7' }),
    // queue time: happened a minute before it was received; an absurd qt is capped at 4 hours
    hit(6, at('2026-11-21T12:00:00Z'), { t: 'pageview', cid: 'queued', z: '1', qt: '60000' }),
    hit(7, at('2026-11-21T20:00:00Z'), { t: 'pageview', cid: 'queued2', z: '1', qt: '999999999' }),
    // a purchase of two products, with tax; then the same transaction id again
    hit(8, at('2026-11-21T15:00:00Z'), {
      t: 'event',
      cid: 'buyer',
      z: '1',
      pa: 'purchase',
      ti: 'T-1',
      tr: '30',
      tt: '2.5',
      ts: '4',
      pr1id: 'sku-a',
      pr1pr: '10',
      pr1qt: '1',
      pr2id: 'sku-b',
      pr2pr: '20',
      pr2qt: '3',
      pr2cd1: 'x',
    }),
    hit(9, at('2026-11-21T15:00:05Z'), {
      t: 'event',
      cid: 'buyer',
      z: '2',
      pa: 'purchase',
      ti: 'T-1',
      tr: '30',
      tt: '2.5',
    }),
    // no hit type: not an event at all
    hit(10, at('2026-11-21T16:00:00Z'), { cid: 'nobody', z: '1' }),
    // parameters that need trimming and lower-casing, a user, an IP, an empty transaction id, a negative qt
    hit(11, at('2026-11-21T17:00:00Z'), {
      t: ' PageView ',
      cid: ' Mixed-Case ',
      uid: ' U-1 ',
      uip: '203.0.113.9',
      pa: 'Detail',
      ti: '',
      qt: '-5',
      z: '9',
    }),
  ];
  await publishLakeObject(
    path.join(home, 'lake'),
    'stream_data/2026/11/21/00/semantics.gz',
    records.map((r) => `${JSON.stringify(r)}\n`).join(''),
  );
  expect((await runPdi(['load', '--home', home])).code).toBe(0);
  const transform = await runPdi(['transform', '--home', home]);
  expect(transform.code, transform.stdout.slice(-3000)).toBe(0);
}, 300_000);

describe('the models fix the original bugs', () => {
  it('continues a session across midnight, and breaks it after a 30-minute gap', async () => {
    const rows = await sql(
      `select session_id from EVENTS.LOGS where client_id = 'night' order by event_timestamp`,
    );
    expect(rows[0]?.session_id).toBe(rows[1]?.session_id);
    expect(rows[2]?.session_id).not.toBe(rows[1]?.session_id);
    const days = await sql(
      `select strftime(timestamp, '%d') as d, count_active_sessions as n from STATS.OVERVIEW_1D order by 1`,
    );
    // the midnight session is active on both days
    expect(days[0]).toEqual({ d: '20', n: '1' });
  });

  it('counts a retried hit (same client and z) once', async () => {
    const rows = await sql(`select count(*) as n from EVENTS.LOGS where client_id = 'retry'`);
    expect(rows).toEqual([{ n: '1' }]);
  });

  it('uses the queue time for event time, capped at 4 hours', async () => {
    const rows = await sql(
      `select client_id, strftime(event_timestamp, '%H:%M:%S') as t from EVENTS.LOGS where client_id like 'queued%' order by 1`,
    );
    expect(rows).toEqual([
      { client_id: 'queued', t: '11:59:00' },
      { client_id: 'queued2', t: '16:00:00' },
    ]);
  });

  it('takes the tax from tt, counts a transaction once, and explodes its products', async () => {
    const purchases = await sql(
      `select transaction_id, transaction_revenue, transaction_tax, transaction_shipping from EVENTS.PURCHASES`,
    );
    expect(purchases).toEqual([
      { transaction_id: 'T-1', transaction_revenue: 30, transaction_tax: 2.5, transaction_shipping: 4 },
    ]);
    const products = await sql(
      `select product_index, product_id, product_price, product_quantity, product_raw_data::varchar as raw from EVENTS.PRODUCT_ACTIONS order by product_index`,
    );
    expect(products).toEqual([
      { product_index: 1, product_id: 'sku-a', product_price: 10, product_quantity: 1, raw: null },
      { product_index: 2, product_id: 'sku-b', product_price: 20, product_quantity: 3, raw: '{cd1=x}' },
    ]);
    const [day] = await sql(
      `select transactions, transaction_revenue, transaction_tax, purchased_items, purchased_products from STATS.OVERVIEW_1D where strftime(timestamp, '%d') = '21'`,
    );
    expect(day).toEqual({
      transactions: '1',
      transaction_revenue: 30,
      transaction_tax: 2.5,
      purchased_items: '4',
      purchased_products: '2',
    });
  });

  it('reads the same sessionizing keys in stg_raw__log_keys (one parse) as in stg_raw__logs', async () => {
    const columns =
      'log_id, request_id, request_timestamp, hit_type, client_id, user_id, user_ip, product_action, cache_buster, transaction_id, queue_time_ms, event_timestamp';
    const keys = `select ${columns} from staging.stg_raw__log_keys`;
    const logs = `select ${columns} from staging.stg_raw__logs`;
    const [counts] = await sql(
      `select (select count(*) from staging.stg_raw__log_keys) as n,
              (select count(*) from (${keys} except all ${logs})) as only_keys,
              (select count(*) from (${logs} except all ${keys})) as only_logs`,
    );
    expect(counts).toEqual({ n: '10', only_keys: '0', only_logs: '0' });
    const [mixed] = await sql(
      `select hit_type, user_id, product_action, transaction_id, queue_time_ms from staging.stg_raw__log_keys where client_id = 'mixed-case'`,
    );
    expect(mixed).toEqual({
      hit_type: 'pageview',
      user_id: 'u-1',
      product_action: 'detail',
      transaction_id: null,
      queue_time_ms: '0',
    });
  });

  it('leaves out hits without a hit type', async () => {
    expect(await sql(`select count(*) as n from EVENTS.LOGS where client_id = 'nobody'`)).toEqual([
      { n: '0' },
    ]);
  });

  it("passes the dbt project's unit tests (given rows, expected rows) on DuckDB", async () => {
    const run = await runDbtUnitTests({ warehousePath: homeLayout(home).warehousePath });
    expect(run.code, run.output.slice(-4000)).toBe(0);
    expect(run.declared.length).toBeGreaterThanOrEqual(4);
    expect(run.results.map((r) => r.name).sort()).toEqual(run.declared);
    expect(run.results.every((r) => r.status === 'pass')).toBe(true);
  }, 120_000);
});
