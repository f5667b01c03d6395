import type { Random } from './random.ts';

/**
 * A Zipf-like popularity over `n` items, its exponent solved so that the top 10% of items
 * get `topShare` of the draws (about 80% in the real dataset, whatever its size).
 */
export class Popularity {
  private readonly cdf: Float64Array;

  constructor(
    readonly n: number,
    topShare = 0.8,
  ) {
    const exponent = solveExponent(n, topShare);
    this.cdf = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += 1 / (i + 1) ** exponent;
      this.cdf[i] = total;
    }
    for (let i = 0; i < n; i++) this.cdf[i] = (this.cdf[i] as number) / total;
  }

  /** An item index, 0 the most popular. */
  draw(random: Random): number {
    const u = random.next();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function topShareOf(n: number, exponent: number): number {
  const top = Math.max(1, Math.round(n / 10));
  let head = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const weight = 1 / (i + 1) ** exponent;
    total += weight;
    if (i < top) head += weight;
  }
  return head / total;
}

function solveExponent(n: number, topShare: number): number {
  let lo = 0;
  let hi = 4;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (topShareOf(n, mid) < topShare) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
