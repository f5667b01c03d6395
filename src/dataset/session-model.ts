import type { ProductAction } from './format.ts';
import type { Popularity } from './popularity.ts';
import type { Random } from './random.ts';

/**
 * How a synthetic shopper browses: the shape of one session, tuned so that a generated file has the
 * real dataset's statistics (checked by generator.test.ts against the targets in `DATASET_TARGETS`).
 */

/** Rows per session: log-linear between these quantiles (p50 3, p90 17, p99 60 as in the real data). */
const LENGTH_QUANTILES: [number, number][] = [
  [0, 1],
  [0.3, 1.4],
  [0.5, 3.4],
  [0.75, 7],
  [0.9, 16.6],
  [0.99, 60.4],
  [0.999, 110],
  [1, 200],
];

export function drawSessionLength(random: Random): number {
  const u = random.next();
  for (let k = 1; k < LENGTH_QUANTILES.length; k++) {
    const [u1, l1] = LENGTH_QUANTILES[k] as [number, number];
    if (u <= u1) {
      const [u0, l0] = LENGTH_QUANTILES[k - 1] as [number, number];
      const t = (u - u0) / (u1 - u0);
      return Math.max(1, Math.round(Math.exp(Math.log(l0) + t * (Math.log(l1) - Math.log(l0)))));
    }
  }
  return 1;
}

export const SESSION_MODEL = {
  /** P(a session views a product), by its length. */
  detailShare: (length: number) => (length === 1 ? 0.42 : length === 2 ? 0.62 : 0.82),
  /** Share of the non-cart rows of a detail session that are product details. */
  detailRowShare: 0.485,
  /** Product pages fire a detail and a pageview at the same millisecond and URL. */
  pairedDetailShare: 0.93,
  /** P(add to cart | detail session of 3+ rows). */
  addShare: 0.095,
  extraAddsMean: 0.6,
  /** P(purchase | add). */
  purchaseShare: 0.252,
  extraPurchasesMean: 0.62,
  /** P(remove | add), P(remove | no add). */
  removeWithAdd: 0.62,
  removeWithoutAdd: 0.006,
  extraRemovesMean: 1.25,
  /** Products a session looks at: 1 + Poisson(mean). */
  extraProductsMean: 1.2,
  /** Seconds between two steps of a session: log-normal, capped below the 30-minute session gap. */
  gapMedianSeconds: 13,
  gapSigma: 1.55,
  gapMaxSeconds: 25 * 60,
};

export interface SessionRow {
  action: ProductAction | null;
  /** Index of the SKU (product rows) or of the page (plain pageviews). */
  sku: number | null;
  page: number | null;
  offsetMs: number;
}

interface Step {
  kind: 'page' | 'detail' | 'detail-pair' | ProductAction;
  sku: number | null;
  page: number | null;
}

/** One session's rows, in time order, with offsets from its start. */
export function drawSession(random: Random, skus: Popularity, pages: Popularity): SessionRow[] {
  const m = SESSION_MODEL;
  let length = drawSessionLength(random);
  const steps: Step[] = [];
  const page = (): Step => ({ kind: 'page', sku: null, page: pages.draw(random) });

  if (!random.chance(m.detailShare(length))) {
    for (let i = 0; i < length; i++) steps.push(page());
    return timed(random, steps);
  }

  const viewed = Array.from({ length: 1 + random.poisson(m.extraProductsMean) }, () => skus.draw(random));
  const adds = length >= 3 && random.chance(m.addShare) ? 1 + random.poisson(m.extraAddsMean) : 0;
  const purchases = adds > 0 && random.chance(m.purchaseShare) ? 1 + random.poisson(m.extraPurchasesMean) : 0;
  const removes = random.chance(adds > 0 ? m.removeWithAdd : m.removeWithoutAdd)
    ? 1 + random.poisson(m.extraRemovesMean)
    : 0;
  const cartRows = adds + purchases + removes;
  length = Math.max(length, cartRows + 2);

  // browsing: product pages (a detail, usually with its pageview) and plain pages
  let browseRows = length - cartRows;
  const details = Math.max(1, Math.round((browseRows * m.detailRowShare) / (1 + m.pairedDetailShare * 0.5)));
  const browse: Step[] = [];
  for (let i = 0; i < details && browseRows > 0; i++) {
    const paired = browseRows >= 2 && random.chance(m.pairedDetailShare);
    browse.push({ kind: paired ? 'detail-pair' : 'detail', sku: random.pick(viewed), page: null });
    browseRows -= paired ? 2 : 1;
  }
  while (browseRows-- > 0) browse.push(page());
  shuffle(random, browse);
  // a session opens on a page before its first product, most of the time
  steps.push(...browse);

  const carted = Array.from({ length: adds }, () => random.pick(viewed));
  for (const sku of carted) insertAfterHalf(random, steps, { kind: 'add', sku, page: null });
  for (let i = 0; i < removes; i++) {
    steps.push({
      kind: 'remove',
      sku: carted.length ? random.pick(carted) : random.pick(viewed),
      page: null,
    });
  }
  for (let i = 0; i < purchases; i++)
    steps.push({ kind: 'purchase', sku: carted[i] ?? random.pick(viewed), page: null });
  return timed(random, steps);
}

function timed(random: Random, steps: Step[]): SessionRow[] {
  const m = SESSION_MODEL;
  const rows: SessionRow[] = [];
  let offset = 0;
  steps.forEach((step, i) => {
    if (i > 0)
      offset += Math.round(
        1000 * Math.min(m.gapMaxSeconds, random.logNormal(m.gapMedianSeconds, m.gapSigma)),
      );
    if (step.kind === 'page') {
      rows.push({ action: null, sku: null, page: step.page, offsetMs: offset });
    } else if (step.kind === 'detail-pair') {
      const detail: SessionRow = { action: 'detail', sku: step.sku, page: null, offsetMs: offset };
      const view: SessionRow = { action: null, sku: step.sku, page: null, offsetMs: offset };
      rows.push(...(random.chance(0.5) ? [detail, view] : [view, detail]));
    } else {
      rows.push({
        action: step.kind === 'detail' ? 'detail' : step.kind,
        sku: step.sku,
        page: null,
        offsetMs: offset,
      });
    }
  });
  return rows;
}

function shuffle<T>(random: Random, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

function insertAfterHalf(random: Random, steps: Step[], step: Step): void {
  const from = Math.floor(steps.length / 2);
  steps.splice(from + random.int(steps.length - from + 1), 0, step);
}
