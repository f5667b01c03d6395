/**
 * The two ways into the warehouse agree: the same dataset rows backfilled (lake objects written directly)
 * and pumped over HTTP into a collector (on the replay clock, which keeps the dataset's gaps) give the same
 * EVENTS tables, up to what only the path decides: request ids (hence log and session ids) and the
 * milliseconds a request spends in flight.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/dataset/generator.ts';
import { runPdi, startCollectorProcess, tempHome } from '../support/pdi.ts';

let backfilled: string;
let pumped: string;

async function sql(home: string, query: string): Promise<Record<string, unknown>[]> {
  const result = await runPdi(['sql', '--home', home, '--json', query]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

async function loadAndTransform(home: string) {
  const load = await runPdi(['load', '--home', home]);
  expect(load.code, load.stderr).toBe(0);
  const transform = await runPdi(['transform', '--home', home]);
  expect(transform.code, transform.stdout.slice(-3000)).toBe(0);
}

/** Each client's sessions in order, each as the sorted list of what happened in it. */
const SESSIONS = `
  with sessions as (
    select client_id, session_id, min(event_timestamp) as started from EVENTS.LOGS group by all
  ),
  numbered as (
    select *, row_number() over (partition by client_id order by started) as session_number from sessions
  )
  select n.client_id, n.session_number,
    list_sort(list(concat_ws(' ', l.hit_type, l.product_action, l.document_location, l.transaction_id,
                             l.user_agent_id, l.req_body->>'z'))) as hits
  from numbered n join EVENTS.LOGS l using (client_id, session_id)
  group by all order by all`;

const TABLES = {
  pageviews: 'select client_id, document_location, user_agent_id from EVENTS.PAGEVIEWS order by all',
  events: 'select client_id, event_category, event_action, event_label from EVENTS.EVENTS order by all',
  product_actions: `select client_id, product_action, product_index, product_id, product_price, product_quantity
    from EVENTS.PRODUCT_ACTIONS order by all`,
  purchases: `select client_id, transaction_id, transaction_revenue, transaction_tax, transaction_shipping
    from EVENTS.PURCHASES order by all`,
  user_agents: 'select * exclude (created_at) from EVENTS.USER_AGENTS order by all',
};

beforeAll(async () => {
  // a short span: the replay clock sends every hit at once, and GA's queue time is honoured up to 4 hours
  const datasetDir = await tempHome('pdi-paths-data-');
  await generateDataset({ outDir: datasetDir, sessions: 400, seed: 13, days: 0.1 });

  backfilled = await tempHome('pdi-paths-backfill-');
  const backfill = await runPdi(['backfill', '--home', backfilled, '--dataset', datasetDir]);
  expect(backfill.code, backfill.stderr).toBe(0);
  await loadAndTransform(backfilled);

  pumped = await tempHome('pdi-paths-pump-');
  const collector = await startCollectorProcess(pumped);
  const pump = await runPdi([
    'pump',
    '--dataset',
    datasetDir,
    '--url',
    collector.url,
    '--clock',
    'replay',
    '--speed',
    '1000000',
  ]);
  expect(pump.code, pump.stderr).toBe(0);
  expect(await collector.stop()).toBe(0);
  await loadAndTransform(pumped);
}, 300_000);

describe('backfill and the HTTP path', () => {
  it('make the same sessions of the same hits', async () => {
    const sessions = await sql(backfilled, SESSIONS);
    expect(sessions.length).toBeGreaterThanOrEqual(400);
    expect(await sql(pumped, SESSIONS)).toEqual(sessions);
  }, 60_000);

  for (const [table, query] of Object.entries(TABLES)) {
    it(`make the same ${table}`, async () => {
      const rows = await sql(backfilled, query);
      expect(rows.length).toBeGreaterThan(0);
      expect(await sql(pumped, query)).toEqual(rows);
    }, 60_000);
  }
});
