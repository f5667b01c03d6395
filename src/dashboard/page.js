// The dashboard page: polls the read-only API (api.ts) and draws what it answers. Plain browser JavaScript,
// served as it is; Chart.js comes from its npm package (/dashboard/chart.js).

const HOUR = 3_600_000;
const DAY = 86_400_000;
const LIVE_EVERY_MS = 5_000;
const RANGE_EVERY_MS = 15_000;

const counts = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const decimals = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });
const signedPercent = new Intl.NumberFormat('en', {
  style: 'percent',
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});

const $ = (id) => document.getElementById(id);
const escapeHtml = (text) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

/** "—" with a tooltip saying why, where a figure does not apply. */
const notApplicable = (why) => `<abbr title="${escapeHtml(why)}">—</abbr>`;

function money(value, currency) {
  if (typeof value !== 'number') return notApplicable('no figure');
  if (currency && /^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat('en', { style: 'currency', currency }).format(value);
    } catch {
      // an unknown code: the amount alone
    }
  }
  return decimals.format(value);
}

function count(value, why = 'no figure') {
  return typeof value === 'number' ? counts.format(value) : notApplicable(why);
}

// ---------------------------------------------------------------------------------------------- the range

let range = { name: '24h' };

/** The API's range parameters and the chart's grain for the range chosen. */
function rangeQuery() {
  if (range.name === 'custom') {
    const span = range.toMs - range.fromMs;
    const grain = span <= 7 * DAY ? 'hour' : 'day';
    return {
      grain,
      params: `from=${new Date(range.fromMs).toISOString()}&to=${new Date(range.toMs).toISOString()}`,
    };
  }
  const span = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY }[range.name];
  const from = new Date(Math.floor((Date.now() - span) / HOUR) * HOUR).toISOString();
  return { grain: span <= 7 * DAY ? 'hour' : 'day', params: `from=${from}` };
}

for (const button of document.querySelectorAll('[data-range]')) {
  button.addEventListener('click', () => {
    for (const b of document.querySelectorAll('[data-range]'))
      b.setAttribute('aria-pressed', String(b === button));
    $('custom').hidden = button.dataset.range !== 'custom';
    if (button.dataset.range === 'custom') {
      if (!$('to').value) $('to').value = new Date().toISOString().slice(0, 10);
      if (!$('from').value) $('from').value = new Date(Date.now() - 14 * DAY).toISOString().slice(0, 10);
      return;
    }
    range = { name: button.dataset.range };
    refreshRange();
  });
}
$('apply').addEventListener('click', () => {
  const fromMs = Date.parse(`${$('from').value}T00:00:00Z`);
  const toMs = Date.parse(`${$('to').value}T00:00:00Z`) + DAY;
  if (!(fromMs < toMs)) {
    setState('overview-state', 'choose a "from" day before the "to" day', true);
    return;
  }
  range = { name: 'custom', fromMs, toMs };
  refreshRange();
});

let topBy = 'views';
for (const tab of document.querySelectorAll('[data-by]')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll('[data-by]'))
      t.setAttribute('aria-selected', String(t === tab));
    topBy = tab.dataset.by;
    refreshTop();
  });
}

// ---------------------------------------------------------------------------------------------- fetching

/** The API's answer, or an error whose message says what is happening (no data yet, dbt running, …). */
async function api(path) {
  let res;
  try {
    res = await fetch(path);
  } catch {
    throw new Error('the runtime does not answer: is ./pdi up (or demo) still running?');
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message ?? body.reason ?? `${res.status} ${res.statusText}`);
  return body;
}

function setState(id, text, isError = false) {
  const element = $(id);
  element.textContent = text;
  element.classList.toggle('error', isError);
}

/** How old an answer is, when it is not fresh: the warehouse was slower than the API's deadline. */
function age(answer) {
  return answer.fresh ? '' : `figures from ${answer.age_seconds} s ago (the warehouse is slow to answer)`;
}

/** A panel's state line: what it shows, then how old its figures are when they are not fresh. */
function setAnswerState(id, answer, ...parts) {
  setState(id, [...parts, age(answer)].filter(Boolean).join(' · '));
}

/** A panel's failure: no figures yet and a busy warehouse are states that pass, anything else an error. */
function setFailure(id, error) {
  setState(id, error.message, !/no figures yet|busy/.test(error.message));
}

// ---------------------------------------------------------------------------------------------- today

const TILES = [
  ['sessions', 'Sessions'],
  ['users', 'Users'],
  ['pageviews', 'Pageviews'],
  ['product_views', 'Product views'],
  ['add_to_carts', 'Add-to-carts'],
  ['transactions', 'Transactions'],
  ['revenue', 'Revenue'],
];

function renderLive(live) {
  $('tiles').innerHTML = TILES.map(([key, label]) => {
    const value =
      key === 'revenue'
        ? money(live.today[key], live.today.currency)
        : count(live.today[key], key === 'users' ? 'no hit carries a user id (uid)' : 'no figure');
    const change = live.change[key];
    const trend = typeof change === 'number' ? (change > 0 ? 'up' : change < 0 ? 'down' : '') : '';
    const arrow = trend === 'up' ? '▲ ' : trend === 'down' ? '▼ ' : '';
    const changeText =
      typeof change === 'number'
        ? `${arrow}${signedPercent.format(change)} vs yesterday`
        : `${notApplicable('nothing to compare with at this time yesterday')} vs yesterday`;
    return `<div class="tile" data-figure="${key}"><div class="label">${label}</div><div class="value">${value}</div><div class="change ${trend}">${changeText}</div></div>`;
  }).join('');
}

async function refreshLive() {
  try {
    const live = await api('/api/live');
    renderLive(live);
    setAnswerState('live-state', live);
    $('freshness').textContent = `today's figures as of ${new Date(live.as_of).toLocaleTimeString()}`;
  } catch (error) {
    setFailure('live-state', error);
    $('freshness').textContent = error.message;
  }
}

// ---------------------------------------------------------------------------------------------- charts

const charts = {};

function label(timestamp, grain) {
  const iso = new Date(timestamp).toISOString();
  return grain === 'hour' ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h` : iso.slice(0, 10);
}

function drawChart(id, type, rows, grain, series) {
  const labels = rows.map((r) => label(r.timestamp, grain));
  const datasets = series.map(([key, text, color, dash]) => ({
    label: text,
    data: rows.map((r) => r[key] ?? 0),
    borderColor: color,
    backgroundColor: color,
    borderDash: dash ?? [],
    tension: 0.2,
    // a single point is drawn too
    pointRadius: rows.length <= 2 ? 4 : rows.length <= 48 ? 2 : 0,
  }));
  if (charts[id]) {
    charts[id].data.labels = labels;
    charts[id].data.datasets = datasets;
    charts[id].update('none');
    return;
  }
  charts[id] = new Chart($(id), {
    type,
    data: { labels, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { labels: { usePointStyle: true, boxWidth: 8 } } },
    },
  });
}

async function refreshOverview() {
  const { grain, params } = rangeQuery();
  try {
    const overview = await api(`/api/overview?grain=${grain}&${params}`);
    const rows = overview.rows;
    drawChart('traffic', 'line', rows, grain, [
      ['count_active_sessions', 'active sessions', '#1f5fd6'],
      ['count_new_sessions', 'new sessions', '#1f5fd6', [5, 4]],
      ['pageviews', 'pageviews', '#0b6b35'],
    ]);
    drawChart('shopping', 'line', rows, grain, [
      ['product_details', 'product details', '#6d28d9'],
      ['add_to_cart', 'adds to cart', '#b45309'],
      ['remove_from_cart', 'removals from cart', '#b45309', [5, 4]],
      ['transactions', 'transactions', '#a1261d'],
    ]);
    drawChart('revenue', 'bar', rows, grain, [['transaction_revenue', 'revenue', '#0e7490']]);
    if (rows.length === 0) setState('overview-state', 'no data in this range yet');
    else setAnswerState('overview-state', overview, `${rows.length} ${grain === 'hour' ? 'hours' : 'days'}`);
  } catch (error) {
    setFailure('overview-state', error);
  }
}

// ---------------------------------------------------------------------------------------------- funnel, products

async function refreshFunnel() {
  const { params } = rangeQuery();
  try {
    const funnel = await api(`/api/funnel?${params}`);
    const top = Math.max(1, funnel.detail_sessions);
    const rate = (value, why) => (typeof value === 'number' ? percent.format(value) : notApplicable(why));
    const steps = [
      ['Viewed a product', funnel.detail_sessions, ''],
      ['Added to cart', funnel.add_sessions, rate(funnel.detail_to_add, 'no session viewed a product')],
      ['Purchased', funnel.purchase_sessions, rate(funnel.add_to_purchase, 'no session added to cart')],
    ];
    $('funnel').innerHTML = steps
      .map(
        ([name, value, conversion]) =>
          `<div class="step" data-step="${escapeHtml(name)}"><span>${name}</span><div class="bar" aria-hidden="true"><span style="width:${((100 * value) / top).toFixed(1)}%"></span></div><span><b>${count(value)}</b> <span class="rate">${conversion}</span></span></div>`,
      )
      .join('');
    setAnswerState(
      'funnel-state',
      funnel,
      `overall ${typeof funnel.detail_to_purchase === 'number' ? percent.format(funnel.detail_to_purchase) : '—'} of product viewers purchase`,
    );
  } catch (error) {
    setFailure('funnel-state', error);
  }
}

async function refreshTop() {
  const { params } = rangeQuery();
  try {
    const top = await api(`/api/top-products?by=${topBy}&limit=10&${params}`);
    $('top').innerHTML =
      top.rows.length === 0
        ? '<p class="state">no product in this range</p>'
        : `<table><thead><tr><th>product</th><th>category</th><th>views</th><th>adds</th><th>purchases</th></tr></thead><tbody>${top.rows
            .map(
              (r) =>
                `<tr><td class="product" title="${escapeHtml(r.product_id)}">${escapeHtml(r.product_name ?? r.product_id)}</td><td class="product">${r.product_category ? escapeHtml(r.product_category) : notApplicable('no category in the hits')}</td><td>${count(r.views)}</td><td>${count(r.adds)}</td><td>${count(r.purchases)}</td></tr>`,
            )
            .join('')}</tbody></table>`;
    setAnswerState('top-state', top);
  } catch (error) {
    setFailure('top-state', error);
  }
}

// ---------------------------------------------------------------------------------------------- health

function since(iso) {
  if (!iso) return notApplicable('not yet');
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return `${counts.format(seconds)} s ago`;
}

async function refreshHealth() {
  try {
    const h = await api('/api/health');
    const reasons = (totals) =>
      Object.keys(totals).length === 0
        ? 'none'
        : Object.entries(totals)
            .map(([reason, n]) => `${escapeHtml(reason)}: ${counts.format(n)}`)
            .join(', ');
    const dbt = h.dbt.running
      ? 'running now'
      : h.dbt.last_run_at
        ? `${since(h.dbt.last_run_at)}, ${decimals.format(h.dbt.last_run_seconds)} s, ${h.dbt.last_run_ok ? 'succeeded' : 'failed'}`
        : notApplicable('no dbt run yet');
    const rows = [
      [
        'Hits into the collector',
        `${decimals.format(h.collector.hits_per_second)} /s (${counts.format(h.collector.hits_accepted)} accepted)`,
      ],
      ['Bytes waiting in the log', counts.format(h.collector.bytes_waiting)],
      ['Refused hits, by reason', reasons(h.collector.hits_rejected)],
      [
        'Lake objects not loaded yet',
        `${counts.format(h.pipe.lake_objects_waiting)} of ${counts.format(h.pipe.lake_objects)}`,
      ],
      [
        'Last load',
        h.pipe.last_load_at
          ? `${since(h.pipe.last_load_at)} (${decimals.format(h.pipe.last_load_seconds)} s)`
          : notApplicable('no load yet'),
      ],
      ['Lines the pipe refused', counts.format(h.pipe.line_errors)],
      ['Last dbt run', dbt],
    ];
    $('health').innerHTML = rows.map(([name, value]) => `<dt>${name}</dt><dd>${value}</dd>`).join('');
    setState('health-state', '');
  } catch (error) {
    setState('health-state', error.message, true);
  }
}

// ---------------------------------------------------------------------------------------------- the loop

function refreshRange() {
  refreshOverview();
  refreshFunnel();
  refreshTop();
}

refreshLive();
refreshHealth();
refreshRange();
setInterval(() => {
  refreshLive();
  refreshHealth();
}, LIVE_EVERY_MS);
setInterval(refreshRange, RANGE_EVERY_MS);
