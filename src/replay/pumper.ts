import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { DatasetFiles } from '../dataset/reader.ts';
import { readSkuCatalog } from '../dataset/reader.ts';
import { encodeHit } from './hit-mapping.ts';
import { type Clock, datasetTimeRange, type PlannedSend, planSends } from './pump-plan.ts';

export interface PumpOptions {
  dataset: DatasetFiles;
  /** The collector's base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  concurrency: number;
  /** Hits per second at most. */
  rate: number | null;
  batch: boolean;
  clock: Clock;
  speed: number;
  /** `now` only: at the dataset's rhythm, sped up by `speed` (pump-plan.ts). */
  rhythm?: boolean;
  limit: number | null;
  /** Retries of a request answered 5xx/429 or cut, with the same hits (the same `z`). */
  maxRetries?: number;
  signal?: AbortSignal;
}

export interface PumpProgress {
  hitsSent: number;
  hitsAccepted: number;
  hitsRejected: number;
  requests: number;
  retries: number;
  /** Hits given up on after every retry failed. */
  hitsFailed: number;
  startedAtMs: number;
  /** Rows to send, when known (with --limit, or after counting). */
  totalHits: number | null;
}

export interface PumpSummary extends PumpProgress {
  seconds: number;
  hitsPerSecond: number;
  /** A few of the collector's refusals, to show the user. */
  sampleRejections: string[];
}

/** Sends a dataset to a collector as GA hits: bounded in flight, paced, retried with the same `z`. */
export class Pumper {
  readonly progress: PumpProgress;
  private readonly sampleRejections: string[] = [];

  constructor(private readonly options: PumpOptions) {
    // every worker waits on the signal at once; requests in flight finish on their own when it fires
    if (options.signal) setMaxListeners(options.concurrency + 10, options.signal);
    this.progress = {
      hitsSent: 0,
      hitsAccepted: 0,
      hitsRejected: 0,
      requests: 0,
      retries: 0,
      hitsFailed: 0,
      startedAtMs: Date.now(),
      totalHits: options.limit,
    };
  }

  async run(): Promise<PumpSummary> {
    const { options } = this;
    const origin = new URL(options.url);
    const basePath = origin.pathname.replace(/\/$/, '');
    const catalog = await readSkuCatalog(options.dataset.sku);
    const range =
      options.clock === 'replay' || options.rhythm
        ? await datasetTimeRange(options.dataset.browsing, options.limit)
        : null;
    this.progress.startedAtMs = Date.now();
    const plan = planSends({
      browsingFile: options.dataset.browsing,
      catalog,
      clock: options.clock,
      speed: options.speed,
      rhythm: options.rhythm,
      rate: options.rate,
      batch: options.batch,
      limit: options.limit,
      startMs: this.progress.startedAtMs,
      range,
    });

    const pool = new Pool(origin.origin, { connections: options.concurrency, pipelining: 1 });
    try {
      const worker = async () => {
        while (!options.signal?.aborted) {
          const next = await plan.next();
          if (next.done) return;
          const wait = next.value.dueMs - Date.now();
          if (wait > 0) await sleep(wait, undefined, { signal: options.signal }).catch(() => {});
          if (options.signal?.aborted) return;
          await this.send(pool, basePath, next.value);
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
    } finally {
      await plan.return(undefined);
      await pool.close();
    }
    const seconds = (Date.now() - this.progress.startedAtMs) / 1000;
    return {
      ...this.progress,
      seconds,
      hitsPerSecond: seconds > 0 ? this.progress.hitsAccepted / seconds : 0,
      sampleRejections: this.sampleRejections,
    };
  }

  /** One request, retried on 5xx, 429 and cut connections; the body keeps its `z`, only `qt` grows. */
  private async send(pool: Pool, basePath: string, send: PlannedSend): Promise<void> {
    const maxRetries = this.options.maxRetries ?? 8;
    const hits = send.hits.length;
    this.progress.hitsSent += hits;
    for (let attempt = 0; ; attempt++) {
      const now = Date.now();
      const body = send.hits
        .map(({ params, eventTimeMs }) =>
          encodeHit(
            eventTimeMs === null
              ? { ...params, tm: String(now) }
              : { ...params, tm: String(eventTimeMs), qt: String(Math.max(0, now - eventTimeMs)) },
          ),
        )
        .join('\n');
      let retryAfterMs = 0;
      try {
        this.progress.requests++;
        const res = await pool.request({
          path: `${basePath}${send.path}`,
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
          body,
        });
        const text = await res.body.text();
        if (res.statusCode === 200) {
          this.progress.hitsAccepted += hits;
          return;
        }
        if (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 429) {
          this.recordRejection(send, res.statusCode, text);
          return;
        }
        retryAfterMs = 1000 * Number(res.headers['retry-after'] ?? 0) || 0;
      } catch (error) {
        if (this.options.signal?.aborted) return;
        if (attempt >= maxRetries) this.remember(`network: ${(error as Error).message}`);
      }
      if (attempt >= maxRetries) {
        this.progress.hitsFailed += hits;
        return;
      }
      this.progress.retries++;
      await sleep(Math.max(retryAfterMs, Math.min(5000, 100 * 2 ** attempt)), undefined, {
        signal: this.options.signal,
      }).catch(() => {});
      if (this.options.signal?.aborted) return;
    }
  }

  private recordRejection(send: PlannedSend, status: number, text: string): void {
    let rejected = send.hits.length;
    if (send.path === '/batch' && status === 400) {
      const answer = safeJson(text) as { accepted?: number } | null;
      if (typeof answer?.accepted === 'number') {
        this.progress.hitsAccepted += answer.accepted;
        rejected -= answer.accepted;
      }
    }
    this.progress.hitsRejected += rejected;
    this.remember(`${status} ${text.slice(0, 200)}`);
  }

  private remember(message: string): void {
    if (this.sampleRejections.length < 5) this.sampleRejections.push(message);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
