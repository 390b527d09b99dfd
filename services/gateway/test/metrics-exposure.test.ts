// The gateway's metrics (traffic, circuit states, rate-limit refusals) are for Prometheus inside the
// cluster, not for whoever reaches the public entry: they live on a port of their own, and the public
// port answers /metrics like any unknown path.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '@scalegram/kit/app';
import { type Harness, startHarness } from './support/gateway-harness.ts';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness.close();
});

async function listening(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}

describe('gateway metrics exposure', () => {
  it('serves /metrics on the metrics port only, and never counts it against anyone', async () => {
    const gateway = await harness.gateway({ metrics: { port: 0, host: '127.0.0.1' } });
    const publicUrl = await listening(gateway);
    const publicAnswer = await fetch(`${publicUrl}/metrics`);
    expect(publicAnswer.status).toBe(404);
    expect(publicAnswer.headers.get('content-type')).toContain('application/problem+json');
    expect(await publicAnswer.text()).not.toContain('upstream_');

    const metricsUrl = `http://127.0.0.1:${gateway.metrics.listenerAddress()?.port}`;
    const scrape = await fetch(`${metricsUrl}/metrics`);
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    expect(text).toContain('gateway_rate_limited_total');
    // The 404 above was served (and measured) on the public port; the scrape itself is not rate limited.
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*method="GET"[^}]*status_code="404"[^}]*\} 1/);
    expect(scrape.headers.get('ratelimit')).toBeNull();
  });

  it('serves no metrics at all without a metrics port', async () => {
    const gateway = await harness.gateway();
    const response = await gateway.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(404);
    expect(gateway.metrics.listenerAddress()).toBeUndefined();
  });
});
