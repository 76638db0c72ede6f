import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DELIVERY_CHANNELS } from '../../shared/alert.js';

/**
 * What Faro measures, in Prometheus's terms, on one registry per Faro (never
 * prom-client's global one: tests build several Faros in one process). Every
 * label value comes from a fixed list below or is a route pattern: nothing a
 * person sent (a number, an address, a report's words, an id) ever becomes a
 * label or a value.
 */

/** How a report came in: the form with its scripts, the form posted without, a text, the hotline, the field. */
export const REPORT_INTAKES = ['web', 'web_scriptless', 'sms', 'hotline', 'field'] as const;
export type ReportIntake = (typeof REPORT_INTAKES)[number];
/** What one attempt to deliver an alert came to (see alerts/channels/outcome.ts). */
export const SEND_OUTCOMES = ['sent', 'retry', 'failed', 'gone', 'lost'] as const;
/** What one request to the SMS provider came to (every text: alerts, replies, dispatch). */
export const SMS_PROVIDER_OUTCOMES = ['sent', 'refused', 'unreachable'] as const;
export const SAFETY_ALARMS = ['missed', 'escalate', 'help'] as const;
/** pg-boss's states of a job still to do. */
export const QUEUE_STATES = ['created', 'retry', 'active'] as const;
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export type Metrics = ReturnType<typeof createMetrics>;

/** The registry and every instrument of one Faro. */
export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  const metrics = {
    registry,
    reportsReceived: new Counter({
      name: 'faro_reports_received_total',
      help: 'Reports stored, by how they came in (a provider’s redelivery of the same text is not counted).',
      labelNames: ['channel'] as const,
      registers,
    }),
    groupingBacklog: new Gauge({
      name: 'faro_grouping_backlog_reports',
      help: 'Stored reports not yet grouped into an incident (normally 0).',
      registers,
    }),
    groupingLag: new Gauge({
      name: 'faro_grouping_lag_seconds',
      help: 'Age of the oldest report not yet grouped (0 when none waits).',
      registers,
    }),
    incidents: new Gauge({
      name: 'faro_incidents',
      help: 'Incidents by status.',
      labelNames: ['status'] as const,
      registers,
    }),
    assignments: new Gauge({
      name: 'faro_dispatch_assignments',
      help: 'Responder assignments by state.',
      labelNames: ['state'] as const,
      registers,
    }),
    missedCheckIns: new Gauge({
      name: 'faro_dispatch_missed_check_ins',
      help: 'Responders on scene whose safety check-in is missing now.',
      registers,
    }),
    safetyAlarms: new Counter({
      name: 'faro_dispatch_safety_alarms_total',
      help: 'Safety alarms raised by this process: a missed check-in, its escalation, a call for help.',
      labelNames: ['kind'] as const,
      registers,
    }),
    deliveries: new Gauge({
      name: 'faro_alert_deliveries',
      help: 'Deliveries of the alerts published in the last 24 hours, by channel and state.',
      labelNames: ['channel', 'state'] as const,
      registers,
    }),
    oldestPendingDelivery: new Gauge({
      name: 'faro_alert_delivery_oldest_pending_seconds',
      help: 'Since when the oldest alert (of the last 24 hours) with deliveries still queued or sending was published.',
      registers,
    }),
    alertSends: new Counter({
      name: 'faro_alert_sends_total',
      help: 'Attempts to deliver an alert made by this process, by channel and outcome.',
      labelNames: ['channel', 'outcome'] as const,
      registers,
    }),
    smsProvider: new Counter({
      name: 'faro_sms_provider_requests_total',
      help: 'Texts handed to the SMS provider by this process: sent, refused by the provider, or not reached.',
      labelNames: ['outcome'] as const,
      registers,
    }),
    queueJobs: new Gauge({
      name: 'faro_job_queue_jobs',
      help: 'Jobs waiting (created, retry) or running (active), per queue.',
      labelNames: ['queue', 'state'] as const,
      registers,
    }),
    liveStreams: new Gauge({
      name: 'faro_live_streams',
      help: 'Live (Server-Sent Events) streams open on this process, per route.',
      labelNames: ['route'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'faro_http_request_duration_seconds',
      help: 'HTTP requests by route pattern, method and status class, and how long they took.',
      labelNames: ['route', 'method', 'status_class'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    ready: new Gauge({
      name: 'faro_ready',
      help: 'Whether this process can serve (database answers, every migration applied), as /readyz says.',
      registers,
    }),
    scrapeFailures: new Counter({
      name: 'faro_metrics_read_failures_total',
      help: 'Scrapes in which a value from the database could not be read (the last values are kept).',
      registers,
    }),
  };
  // Every fixed label value present from the start: a rate over a series that appears late misses its first step.
  for (const channel of REPORT_INTAKES) metrics.reportsReceived.inc({ channel }, 0);
  for (const kind of SAFETY_ALARMS) metrics.safetyAlarms.inc({ kind }, 0);
  for (const channel of DELIVERY_CHANNELS)
    for (const outcome of SEND_OUTCOMES) metrics.alertSends.inc({ channel, outcome }, 0);
  for (const outcome of SMS_PROVIDER_OUTCOMES) metrics.smsProvider.inc({ outcome }, 0);
  metrics.scrapeFailures.inc(0);
  // The process's own: CPU, memory, event loop lag, garbage collection (Node's usual names).
  collectDefaultMetrics({ register: registry });
  return metrics;
}

/**
 * Sets a labelled gauge from grouped counts: every value of the fixed list, 0
 * where none was counted (a value not in the list is not shown).
 */
export function setCounts<L extends string>(
  gauge: Gauge<L>,
  label: L,
  values: readonly string[],
  counts: ReadonlyArray<{ key: string; n: number }>,
  fixed: Partial<Record<L, string>> = {},
): void {
  for (const value of values)
    gauge.set({ ...fixed, [label]: value } as Record<L, string>, counts.find((c) => c.key === value)?.n ?? 0);
}

/** Counted under its route's pattern (never the URL asked for), its method and its status class. */
export function observeRequest(
  metrics: Metrics,
  request: { routePattern: string | undefined; method: string },
  statusCode: number,
  seconds: number,
): void {
  metrics.httpDuration.observe(
    {
      route: request.routePattern ?? 'unmatched',
      method: HTTP_METHODS.has(request.method) ? request.method : 'other',
      status_class: `${Math.min(5, Math.max(1, Math.floor(statusCode / 100)))}xx`,
    },
    seconds,
  );
}

/** The job queue's depth per queue (this process's queues: a fixed list of job names) and state. */
export async function measureQueues(
  metrics: Metrics,
  jobs: { depths(): Promise<Array<{ queue: string; state: string; n: number }>> },
  queues: readonly string[],
): Promise<void> {
  const rows = await jobs.depths();
  for (const queue of queues)
    setCounts(
      metrics.queueJobs,
      'state',
      QUEUE_STATES,
      rows.filter((row) => row.queue === queue).map((row) => ({ key: row.state, n: row.n })),
      { queue },
    );
}
