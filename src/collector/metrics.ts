import {
  Counter,
  type CounterConfiguration,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type LabelValues,
  Registry,
} from 'prom-client';

/** The collector's Prometheus metrics, in a registry of its own (one per app, so tests don't share state). */
export class CollectorMetrics {
  readonly registry = new Registry();

  /** The two counters of every request, kept as plain numbers: prom-client hashes the labels on every `inc`. */
  private readonly requestCounts = new LabelledCounts();
  private readonly acceptedCounts = new LabelledCounts();

  readonly requests = this.requestCounts.counter({
    name: 'pdi_http_requests_total',
    help: 'HTTP requests by route and status code',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  readonly hitsAccepted = this.acceptedCounts.counter({
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

  countRequest(route: string, status: number): void {
    this.requestCounts.add(`${route} ${status}`, () => ({ route, status: String(status) }), 1);
  }

  countAccepted(route: string, hits: number): void {
    this.acceptedCounts.add(route, () => ({ route }), hits);
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

/** Counts by label values, added to as plain numbers and set on their prom-client counter when it is read. */
class LabelledCounts {
  private readonly counts = new Map<string, { labels: Record<string, string>; value: number }>();

  add(key: string, labels: () => Record<string, string>, n: number): void {
    const entry = this.counts.get(key);
    if (entry) entry.value += n;
    else this.counts.set(key, { labels: labels(), value: n });
  }

  counter<T extends string>(configuration: CounterConfiguration<T>): Counter<T> {
    const counts = this.counts;
    return new Counter({
      ...configuration,
      collect() {
        this.reset();
        for (const { labels, value } of counts.values()) this.inc(labels as LabelValues<T>, value);
      },
    });
  }
}
