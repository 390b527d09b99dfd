import { describe, expect, it } from '@jest/globals';
import { request } from 'undici';
import { startCeilingServer } from '../src/ceiling.ts';

describe('ceiling server', () => {
  it('runs bare Fastify in a child process on a loopback port, and is gone after close', async () => {
    const server = await startCeilingServer();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await request(`${server.url}/`);
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual({ hello: 'world' });
    await server.close();
    await expect(request(`${server.url}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // Closing twice is harmless.
    await server.close();
  });
});
