// A real local HTTP server implementing the media service's internal batch route exactly as the
// contract says (POST /internal/media/batch {ids} → {items: Media[]}, unknown ids omitted, a valid
// user token required). Tests register media, can delay answers and can stop it.
import type { Media, MediaStatus } from '@scalegram/contracts/media';
import { MediaBatchRequest, MediaBatchResponse } from '@scalegram/contracts/media';
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import Fastify, { type FastifyInstance } from 'fastify';

export interface FakeMediaService {
  url: string;
  add(ownerId: string, status?: MediaStatus): Media;
  /** Holds every answer until the returned function is called. */
  hold(): () => void;
  calls: number;
  close(): Promise<void>;
}

let counter = 0;

export async function startMediaService(verifier: AccessTokenVerifier): Promise<FakeMediaService> {
  const media = new Map<string, Media>();
  let gate: Promise<void> | undefined;
  const server: FastifyInstance = Fastify();
  const state = { calls: 0 };
  server.post(
    '/internal/media/batch',
    { schema: { body: MediaBatchRequest, response: { 200: MediaBatchResponse } } },
    async (request) => {
      state.calls++;
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      // The real media service requires a valid token too; verify() throws (→ 401) otherwise.
      if (token === undefined) throw Object.assign(new Error('unauthenticated'), { statusCode: 401 });
      await verifier.verify(token);
      if (gate !== undefined) await gate;
      const { ids } = request.body as { ids: string[] };
      return { items: ids.flatMap((id) => media.get(id) ?? []) };
    },
  );
  await server.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    set calls(value: number) {
      state.calls = value;
    },
    add(ownerId, status = 'ready') {
      counter++;
      const id = String(9_000_000_000_000n + BigInt(Date.now()) * 1000n + BigInt(counter));
      const item: Media = {
        id,
        ownerId,
        status,
        kind: 'image',
        contentType: 'image/jpeg',
        size: 1234,
        width: status === 'ready' ? 1080 : null,
        height: status === 'ready' ? 1080 : null,
        variants: {},
        createdAt: new Date().toISOString(),
      };
      media.set(id, item);
      return item;
    },
    hold() {
      let release: () => void = () => {};
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    close: () => server.close(),
  };
}
