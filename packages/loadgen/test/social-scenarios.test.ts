import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { createHttpTarget } from '../src/engine/http-target.ts';
import { constantShape } from '../src/engine/load-shape.ts';
import { runOpenLoop } from '../src/engine/open-loop.ts';
import { graphName, parseGraphSpec } from '../src/graph/graph-spec.ts';
import { buildSocialGraph } from '../src/graph/social-graph.ts';
import { createRng } from '../src/rng.ts';
import type { RequestSpec, Work } from '../src/scenario.ts';
import type { Population } from '../src/scenarios/social/population.ts';
import {
  composePostRequest,
  followRequest,
  homeTimelineRequest,
  loginRequest,
  pickMixed,
  userTimelineRequest,
} from '../src/scenarios/social/social-requests.ts';
import {
  type FollowChurnState,
  mediaUploadOperation,
  mixedScenario,
  nextChurn,
} from '../src/scenarios/social/social-scenarios.ts';
import type { SeededUser } from '../src/seed/seed-social-network.ts';

const user = (index: number): SeededUser => ({
  index,
  id: String(1000 + index),
  username: `user_${index}`,
  password: 'secret-password',
  accessToken: `token-${index}`,
  refreshToken: 'r',
  accessTokenExpiresAt: Date.now() + 900_000,
});

function population(nodeCount: number, edges: Array<[number, number]>): Population {
  return {
    graph: buildSocialGraph(nodeCount, edges),
    graphName: 'test',
    users: Array.from({ length: nodeCount }, (_, i) => user(i)),
    close: async () => {},
  };
}

const asRequest = (work: Work): RequestSpec => {
  if ('kind' in work) throw new Error('expected a single request');
  return work;
};

describe('social scenario requests', () => {
  it('compose-post sends a valid text post with the user’s token', () => {
    const request = composePostRequest(user(3), createRng(1));
    expect(request).toMatchObject({ method: 'POST', path: '/api/v1/posts', expectedStatuses: [201] });
    expect(request.headers).toEqual({ authorization: 'Bearer token-3', 'content-type': 'application/json' });
    const body = JSON.parse(String(request.body)) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['text']);
    expect(typeof body.text).toBe('string');
    expect((body.text as string).length).toBeLessThanOrEqual(255);
  });

  it('timelines, follows and login go to the public routes', () => {
    expect(homeTimelineRequest(user(1))).toMatchObject({ method: 'GET', path: '/api/v1/feed?limit=10' });
    expect(userTimelineRequest(user(1), '1001')).toMatchObject({
      method: 'GET',
      path: '/api/v1/users/1001/posts?limit=10',
      headers: { authorization: 'Bearer token-1' },
    });
    expect(followRequest(user(1), '1005', true)).toMatchObject({
      method: 'PUT',
      path: '/api/v1/users/1005/follow',
      expectedStatuses: [204],
    });
    expect(followRequest(user(1), '1005', false).method).toBe('DELETE');
    const login = loginRequest(user(2));
    expect(login).toMatchObject({ method: 'POST', path: '/api/v1/auth/login', expectedStatuses: [200] });
    expect(JSON.parse(String(login.body))).toEqual({ username: 'user_2', password: 'secret-password' });
  });

  it('the mix is 60 % home timeline, 30 % user timeline, 10 % compose (fixed seed)', () => {
    const rng = createRng(42);
    const counts = { 'read-home-timeline': 0, 'read-user-timeline': 0, 'compose-post': 0 };
    const draws = 100_000;
    for (let i = 0; i < draws; i++) counts[pickMixed(rng)]++;
    expect(counts['read-home-timeline'] / draws).toBeCloseTo(0.6, 2);
    expect(counts['read-user-timeline'] / draws).toBeCloseTo(0.3, 2);
    expect(counts['compose-post'] / draws).toBeCloseTo(0.1, 2);
  });

  it('the mixed scenario sends those requests as the drawn user', async () => {
    const scenario = mixedScenario(async () => population(4, [[0, 1]]));
    const state = await scenario.setup?.({ baseUrl: new URL('http://127.0.0.1/'), rng: createRng(1), users: 4 });
    if (!state) throw new Error('no state');
    expect(scenario.userCount?.(state)).toBe(4);
    const rng = createRng(7);
    const paths = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const request = asRequest(scenario.nextRequest(2, state, rng));
      expect(request.headers?.authorization).toBe('Bearer token-2');
      paths.add(request.path);
    }
    expect([...paths].sort()).toEqual(['/api/v1/feed?limit=10', '/api/v1/posts', '/api/v1/users/1002/posts?limit=10']);
  });

  it('follow-churn follows a non-friend, then unfollows the same user on its next turn', () => {
    const state: FollowChurnState = {
      population: population(50, [
        [0, 1],
        [0, 2],
      ]),
      pending: new Int32Array(50).fill(-1),
    };
    const rng = createRng(3);
    for (let turn = 0; turn < 20; turn++) {
      const follow = asRequest(nextChurn(0, state, rng));
      expect(follow.method).toBe('PUT');
      expect(['/api/v1/users/1000/follow', '/api/v1/users/1001/follow', '/api/v1/users/1002/follow']).not.toContain(
        follow.path,
      );
      const unfollow = asRequest(nextChurn(0, state, rng));
      expect(unfollow.method).toBe('DELETE');
      expect(unfollow.path).toBe(follow.path);
    }
  });
});

describe('media-upload operation', () => {
  it('creates, uploads the bytes to the presigned URL on another origin, completes — as one outcome', async () => {
    const seen: string[] = [];
    let uploaded = 0;
    const storage = createServer((request, response) => {
      seen.push(`${request.method} storage ${request.url}`);
      request.on('data', (chunk: Buffer) => {
        uploaded += chunk.length;
      });
      request.on('end', () => {
        response.writeHead(request.headers['x-upload'] === 'yes' ? 200 : 403).end();
      });
    });
    await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
    const storagePort = (storage.address() as AddressInfo).port;
    const api = createServer((request, response) => {
      seen.push(`${request.method} api ${request.url}`);
      request.resume();
      request.on('end', () => {
        if (request.url === '/api/v1/media') {
          response.writeHead(201, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({
              id: '77',
              uploadUrl: `http://127.0.0.1:${storagePort}/files/77?sig=x`,
              uploadMethod: 'PUT',
              uploadHeaders: { 'x-upload': 'yes' },
            }),
          );
        } else response.writeHead(request.url === '/api/v1/media/77/complete' ? 202 : 404).end();
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const target = createHttpTarget({
      url: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
      connections: 2,
      timeoutMs: 5_000,
    });
    try {
      const image = { bytes: new Uint8Array(1234), contentType: 'image/png' as const, width: 1, height: 1 };
      expect(await target.send(mediaUploadOperation('t', image))).toEqual({ ok: true, status: 202 });
      expect(seen).toEqual([
        'POST api /api/v1/media',
        'PUT storage /files/77?sig=x',
        'POST api /api/v1/media/77/complete',
      ]);
      expect(uploaded).toBe(1234);
      // A refused upload is an error of its own kind, and the operation stops there.
      const refused = mediaUploadOperation('t', image);
      const original = refused.run;
      refused.run = (client) =>
        original({ request: (r) => client.request(r.method === 'PUT' ? { ...r, headers: {} } : r) });
      expect(await target.send(refused)).toEqual({ ok: false, status: 403, errorKind: 'upload-http-403' });
    } finally {
      await target.close();
      await new Promise((resolve) => api.close(resolve));
      await new Promise((resolve) => storage.close(resolve));
    }
  });
});

describe('graph selection', () => {
  it('parses reed98, Barabási–Albert specs with defaults, and paths', () => {
    expect(parseGraphSpec('reed98')).toEqual({ kind: 'reed98' });
    expect(graphName(parseGraphSpec('ba:1000'))).toBe('ba:1000:20:1');
    expect(parseGraphSpec('ba:500:5:9')).toEqual({ kind: 'barabasi-albert', users: 500, edgesPerUser: 5, seed: 9 });
    expect(parseGraphSpec('/data/graph.edges')).toEqual({ kind: 'edge-list', path: '/data/graph.edges' });
    expect(() => parseGraphSpec('ba:many')).toThrow(RangeError);
  });
});

describe('figures by request kind', () => {
  it('are kept per label, errors included, beside the run totals', async () => {
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(request.method === 'POST' ? 500 : 200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = createHttpTarget({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      connections: 2,
      timeoutMs: 5_000,
    });
    try {
      let n = 0;
      const stats = await runOpenLoop({
        target,
        nextRequest: (): RequestSpec =>
          n++ % 4 === 0
            ? { method: 'POST', path: '/', expectedStatuses: [201], label: 'write' }
            : { method: 'GET', path: '/', expectedStatuses: [200], label: 'read' },
        shape: constantShape(40, 1_000),
        arrival: 'constant',
        rng: createRng(1),
      });
      expect(stats.totals.ok).toBe(30);
      expect(stats.byRequest.read).toMatchObject({ ok: 30, errors: 0, errorsByKind: {} });
      expect(stats.byRequest.read?.latency.count).toBe(30);
      expect(stats.byRequest.write).toMatchObject({ ok: 0, errors: 10, errorsByKind: { 'http-500': 10 } });
      expect(stats.byRequest.write?.latency.count).toBe(0);
    } finally {
      await target.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
