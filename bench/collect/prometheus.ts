/** Reads counters from a Prometheus text endpoint (the collector's `GET /metrics`). */

/** The sum of every series of `name` (all labels), or null when the endpoint does not answer or lacks it. */
export async function scrapeCounter(url: string, name: string): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) return null;
    const text = await response.text();
    const series = text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
    if (series.length === 0) return null;
    return series.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  } catch {
    return null;
  }
}
