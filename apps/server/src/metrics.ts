import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server instance (its own registry: no global state). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'synthguard_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly labelsWritten = new Counter({
    name: 'synthguard_labels_total',
    help: 'Files labeled, by format',
    labelNames: ['format'] as const,
    registers: [this.registry],
  });
  readonly detections = new Counter({
    name: 'synthguard_detections_total',
    help: 'Files run through the detector, by verdict ("1", "2", "3", none)',
    labelNames: ['verdict'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'synthguard_errors_total',
    help: 'Error responses by stable error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'synthguard_' });
  }
}
