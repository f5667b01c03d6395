import { readBrowsing } from './reader.ts';

/** The statistics the synthetic data must share with the real dataset (issue targets, from the real files). */
export const DATASET_TARGETS = {
  eventMix: { pageview: 0.711, detail: 0.269, add: 0.0091, remove: 0.0088, purchase: 0.0022 },
  rowsPerSession: { p50: 3, p90: 17, p99: 60 },
  sessionMinutes: { p50: 0.4, p90: 10 },
  sessionsWith: { detail: 0.66, add: 0.0435, purchase: 0.0108 },
  topTenthSkuShare: 0.8,
};

export interface DatasetStats {
  rows: number;
  sessions: number;
  eventMix: Record<'pageview' | 'detail' | 'add' | 'remove' | 'purchase', number>;
  rowsPerSession: { p50: number; p90: number; p99: number };
  sessionMinutes: { p50: number; p90: number };
  sessionsWith: { detail: number; add: number; purchase: number };
  topTenthSkuShare: number;
  /** Share of detail rows that have a pageview at the same millisecond and URL. */
  pairedDetailShare: number;
}

/** Reads a browsing file once and measures it: rows of a session are contiguous, as in the real file. */
export async function browsingStats(file: string): Promise<DatasetStats> {
  const counts = { pageview: 0, detail: 0, add: 0, remove: 0, purchase: 0 };
  const lengths: number[] = [];
  const minutes: number[] = [];
  const with_ = { detail: 0, add: 0, purchase: 0 };
  const skuHits = new Map<string, number>();
  let rows = 0;
  let paired = 0;

  let current: string | null = null;
  let length = 0;
  let first = 0;
  let last = 0;
  let flags = { detail: false, add: false, purchase: false };
  let pageviewsAt = new Set<string>();
  let detailsAt: string[] = [];
  const close = () => {
    if (current === null) return;
    lengths.push(length);
    minutes.push((last - first) / 60_000);
    for (const k of ['detail', 'add', 'purchase'] as const) if (flags[k]) with_[k]++;
    paired += detailsAt.filter((key) => pageviewsAt.has(key)).length;
  };

  for await (const row of readBrowsing(file)) {
    rows++;
    if (row.sessionIdHash !== current) {
      close();
      current = row.sessionIdHash;
      length = 0;
      first = row.timestampMs;
      last = row.timestampMs;
      flags = { detail: false, add: false, purchase: false };
      pageviewsAt = new Set();
      detailsAt = [];
    }
    length++;
    first = Math.min(first, row.timestampMs);
    last = Math.max(last, row.timestampMs);
    const key = `${row.timestampMs}|${row.hashedUrl}`;
    if (row.productAction === null) {
      counts.pageview++;
      pageviewsAt.add(key);
    } else {
      counts[row.productAction]++;
      if (row.productAction !== 'remove')
        flags[row.productAction === 'detail' ? 'detail' : row.productAction === 'add' ? 'add' : 'purchase'] =
          true;
      if (row.productAction === 'detail') detailsAt.push(key);
      if (row.productSkuHash) skuHits.set(row.productSkuHash, (skuHits.get(row.productSkuHash) ?? 0) + 1);
    }
  }
  close();

  const sessions = lengths.length;
  const hits = [...skuHits.values()].sort((a, b) => b - a);
  const top = hits.slice(0, Math.max(1, Math.round(hits.length / 10))).reduce((a, b) => a + b, 0);
  const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
  return {
    rows,
    sessions,
    eventMix: {
      pageview: share(counts.pageview, rows),
      detail: share(counts.detail, rows),
      add: share(counts.add, rows),
      remove: share(counts.remove, rows),
      purchase: share(counts.purchase, rows),
    },
    rowsPerSession: {
      p50: quantile(lengths, 0.5),
      p90: quantile(lengths, 0.9),
      p99: quantile(lengths, 0.99),
    },
    sessionMinutes: { p50: quantile(minutes, 0.5), p90: quantile(minutes, 0.9) },
    sessionsWith: {
      detail: share(with_.detail, sessions),
      add: share(with_.add, sessions),
      purchase: share(with_.purchase, sessions),
    },
    topTenthSkuShare: share(
      top,
      hits.reduce((a, b) => a + b, 0),
    ),
    pairedDetailShare: share(paired, counts.detail),
  };
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
