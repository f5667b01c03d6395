import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The collector's Prometheus metrics, in a registry of its own (one per app, so tests don't share state). */
export class CollectorMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'pdi_http_requests_total',
    help: 'HTTP requests by route and status code',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  readonly hitsAccepted = new Counter({
    name: 'pdi_hits_accepted_total',
    help: 'Hits acknowledged to the client (durable in the stream)',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  readonly hitsRejected = new Counter({
    name: 'pdi_hits_rejected_total',
    help: 'Hits refused and written to stream_errors/, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly streamUnavailable = new Counter({
    name: 'pdi_stream_unavailable_total',
    help: 'Requests answered 503 because the stream could not take records, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly commitLatency = new Histogram({
    name: 'pdi_stream_commit_seconds',
    help: 'Time of one group commit of the write-ahead log (its durable write)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly objectLatency = new Histogram({
    name: 'pdi_lake_object_publish_seconds',
    help: 'Time to compress and publish one lake object',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly objectsPublished = new Counter({
    name: 'pdi_lake_objects_total',
    help: 'Lake objects published, by prefix',
    labelNames: ['prefix'] as const,
    registers: [this.registry],
  });

  /** Labelled children, cached: prom-client hashes the labels on every `inc` otherwise (hot path). */
  private readonly requestCounters = new Map<string, { inc(n?: number): void }>();
  private readonly acceptedCounters = new Map<string, { inc(n?: number): void }>();

  countRequest(route: string, status: number): void {
    const key = `${route} ${status}`;
    let counter = this.requestCounters.get(key);
    if (!counter) {
      counter = this.requests.labels(route, String(status));
      this.requestCounters.set(key, counter);
    }
    counter.inc();
  }

  countAccepted(route: string, hits: number): void {
    let counter = this.acceptedCounters.get(route);
    if (!counter) {
      counter = this.hitsAccepted.labels(route);
      this.acceptedCounters.set(route, counter);
    }
    counter.inc(hits);
  }

  /** Where the buffer gauge reads from: set once the stream is open. */
  bufferedBytes: () => number = () => 0;

  constructor(options: { processMetrics?: boolean } = {}) {
    const metrics = this;
    new Gauge({
      name: 'pdi_lake_buffer_bytes',
      help: 'Bytes acknowledged but not yet in a lake object',
      registers: [this.registry],
      collect() {
        this.set(metrics.bufferedBytes());
      },
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'pdi_' });
  }
}
