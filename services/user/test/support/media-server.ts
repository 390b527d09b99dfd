// A real local HTTP server implementing the media service's internal batch route as the contract says
// (POST /internal/media/batch {ids} → {items: Media[]}, unknown ids left out, a valid token required),
// for the avatar check. Tests register media of any owner, status and kind, and can stop it.
import type { Media, MediaKind, MediaStatus } from '@scalegram/contracts/media';
import { MediaBatchRequest, MediaBatchResponse } from '@scalegram/contracts/media';
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import Fastify from 'fastify';

export interface FakeMediaService {
  url: string;
  add(ownerId: string, options?: { status?: MediaStatus; kind?: MediaKind }): Media;
  calls: number;
  close(): Promise<void>;
}

let counter = 0;

export async function startMediaService(verifier: AccessTokenVerifier): Promise<FakeMediaService> {
  const media = new Map<string, Media>();
  const state = { calls: 0 };
  const server = Fastify();
  server.post(
    '/internal/media/batch',
    { schema: { body: MediaBatchRequest, response: { 200: MediaBatchResponse } } },
    async (request) => {
      state.calls++;
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (token === undefined) throw Object.assign(new Error('unauthenticated'), { statusCode: 401 });
      await verifier.verify(token);
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
    add(ownerId, { status = 'ready', kind = 'image' } = {}) {
      counter++;
      const id = String(8_000_000_000_000n + BigInt(Date.now()) * 1000n + BigInt(counter));
      const item: Media = {
        id,
        ownerId,
        status,
        kind,
        contentType: kind === 'image' ? 'image/jpeg' : 'video/mp4',
        size: 1234,
        width: status === 'ready' ? 512 : null,
        height: status === 'ready' ? 512 : null,
        variants: {},
        createdAt: new Date().toISOString(),
      };
      media.set(id, item);
      return item;
    },
    close: () => server.close(),
  };
}
