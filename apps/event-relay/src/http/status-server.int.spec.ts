import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStatusServer, type StatusServer } from './status-server.js';

// The relay's status port over real HTTP: its refusals are problems like the Nest services' (libs/platform).
describe('relay status server', () => {
  let server: StatusServer;
  beforeAll(async () => {
    server = await startStatusServer(
      { metrics: async () => 'npo_up 1\n', readiness: async () => ({ store: true }), metricsAccess: async () => 'unauthorized' },
      '127.0.0.1',
      0,
    );
  });
  afterAll(() => server.close());

  it('answers an unknown path with a 404 problem naming what it serves', async () => {
    const answer = await fetch(`${server.url}/nothing?x=1`);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(await answer.json()).toEqual({
      type: 'urn:npo:problem:not-found',
      title: 'Not Found',
      status: 404,
      detail: 'The relay serves only /health/live, /health/ready, /metrics.',
      instance: '/nothing',
    });
  });

  it('answers another method on a path it serves with a 405 problem and Allow, and on a path it does not with 404', async () => {
    const wrong = await fetch(`${server.url}/health/live`, { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');
    expect(await wrong.json()).toMatchObject({ type: 'urn:npo:problem:method-not-allowed', status: 405, instance: '/health/live' });
    expect((await fetch(`${server.url}/elsewhere`, { method: 'DELETE' })).status).toBe(404);
  });

  it('still serves health and refuses /metrics without a token as before', async () => {
    expect(await (await fetch(`${server.url}/health/ready`)).json()).toEqual({ status: 'up', checks: { store: 'up' } });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  });
});
