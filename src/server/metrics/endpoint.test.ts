import { describe, expect, it } from 'vitest';
import { createMetricsEndpoint } from './endpoint.js';
import { createMetrics } from './metrics.js';

/** A scrape reads the database at most once per cache period, and never twice at once. */
describe('the metrics scrape', () => {
  const counting = (cacheMs: number, fail = false) => {
    const metrics = createMetrics();
    let reads = 0;
    const errors: unknown[] = [];
    const endpoint = createMetricsEndpoint({
      metrics,
      measures: [
        async () => {
          reads += 1;
          metrics.groupingBacklog.set(reads);
          if (fail) throw new Error('database away');
        },
      ],
      cacheMs,
      token: undefined,
      onError: (error) => errors.push(error),
    });
    return { endpoint, reads: () => reads, errors };
  };

  it('reuses what it read within the cache period, however many scrape at once', async () => {
    const { endpoint, reads } = counting(60_000);
    const texts = await Promise.all([endpoint.scrape(), endpoint.scrape(), endpoint.scrape()]);
    await endpoint.scrape();
    expect(reads()).toBe(1);
    for (const text of texts) expect(text).toContain('faro_grouping_backlog_reports 1');
  });

  it('reads again on every scrape with no cache, still one read at a time', async () => {
    const { endpoint, reads } = counting(0);
    await Promise.all([endpoint.scrape(), endpoint.scrape()]);
    await endpoint.scrape();
    expect(reads()).toBe(2);
    expect(await endpoint.scrape()).toContain('faro_grouping_backlog_reports 3');
  });

  it('still answers when a value cannot be read, and counts that it could not', async () => {
    const { endpoint, errors } = counting(0, true);
    const text = await endpoint.scrape();
    expect(text).toContain('faro_metrics_read_failures_total 1');
    expect(text).toContain('faro_reports_received_total{channel="web"} 0');
    expect(errors).toHaveLength(1);
  });

  it('keeps each Faro’s values apart (one registry each, not the process’s global one)', async () => {
    const one = createMetrics();
    const two = createMetrics();
    one.reportsReceived.inc({ channel: 'sms' });
    expect(await two.registry.metrics()).toContain('faro_reports_received_total{channel="sms"} 0');
    expect(await one.registry.metrics()).toContain('faro_reports_received_total{channel="sms"} 1');
  });
});
