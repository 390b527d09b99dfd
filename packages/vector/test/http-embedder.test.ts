// The HTTP embedder over real HTTP against a small local Fastify server that speaks both wire formats
// (OpenAI-compatible /v1/embeddings and TEI /embed). No real embedding model is involved: the server
// derives a fixed vector from each text, which is enough to check batching, ordering, headers, retries,
// timeouts and dimension checks.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnavailableError } from '@scalegram/contracts/errors';
import Fastify, { type FastifyInstance } from 'fastify';
import { createHttpEmbedder, type HttpEmbedderOptions } from '../src/http-embedder.ts';

const DIM = 3;

/** The fake model: a deterministic, non-normalised vector per text. */
function fakeVector(text: string, dimension = DIM): number[] {
  return Array.from({ length: dimension }, (_, i) => (text.length % 7) + i + 1);
}

interface ServerState {
  requests: { path: string; body: unknown; authorization: string | undefined }[];
  /** Answers queued before the normal one, e.g. [503, 429]. */
  failures: number[];
  delayMs: number;
  dimension: number;
}

describe('HTTP embedder', () => {
  let server: FastifyInstance;
  let url: string;
  const state: ServerState = { requests: [], failures: [], delayMs: 0, dimension: DIM };

  function reset(): void {
    Object.assign(state, { requests: [], failures: [], delayMs: 0, dimension: DIM });
  }

  beforeAll(async () => {
    server = Fastify();
    server.addHook('preHandler', async (req, reply) => {
      state.requests.push({ path: req.url, body: req.body, authorization: req.headers.authorization });
      if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
      const failure = state.failures.shift();
      if (failure !== undefined) {
        if (failure === 429) reply.header('retry-after', '0');
        return reply.code(failure).send({ error: 'injected' });
      }
    });
    server.post<{ Body: { input: string[]; model: string } }>('/v1/embeddings', async (req) => {
      const data = req.body.input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: fakeVector(text, state.dimension),
      }));
      // Items out of order on purpose: clients must use `index`.
      return {
        object: 'list',
        data: data.reverse(),
        model: req.body.model,
        usage: { prompt_tokens: 1, total_tokens: 1 },
      };
    });
    server.post<{ Body: { inputs: string[] } }>('/embed', async (req) =>
      req.body.inputs.map((text) => fakeVector(text, state.dimension)),
    );
    url = await server.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server.close();
  });

  function embedder(overrides: Partial<HttpEmbedderOptions> = {}) {
    return createHttpEmbedder({
      url,
      protocol: 'openai',
      model: 'test-model',
      timeoutMs: 1_000,
      dimension: DIM,
      retryBaseDelayMs: 5,
      ...overrides,
    });
  }

  function expectUnitVectorOf(actual: Float32Array | undefined, text: string): void {
    const raw = fakeVector(text);
    const norm = Math.hypot(...raw);
    expect(Array.from(actual ?? [])).toEqual(raw.map((v) => expect.closeTo(v / norm, 6)));
  }

  it.each(['openai', 'tei'] as const)('speaks the %s wire format, batches and keeps the order', async (protocol) => {
    reset();
    const e = embedder({ protocol, batchSize: 2, apiKey: 'secret' });
    const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee'];
    const vectors = await e.embed(texts);
    await e.close();
    expect(vectors).toHaveLength(5);
    texts.forEach((text, i) => {
      expectUnitVectorOf(vectors[i], text);
    });
    expect(state.requests).toHaveLength(3);
    expect(state.requests.every((r) => r.authorization === 'Bearer secret')).toBe(true);
    if (protocol === 'openai') {
      expect(state.requests[0]).toMatchObject({
        path: '/v1/embeddings',
        body: { input: ['a', 'bb'], model: 'test-model' },
      });
    } else {
      expect(state.requests[0]).toMatchObject({ path: '/embed', body: { inputs: ['a', 'bb'] } });
    }
    expect(e.name).toBe(`${protocol}:test-model`);
    expect(e.dimension).toBe(DIM);
  });

  it('retries 5xx and 429 answers with back-off, then succeeds', async () => {
    reset();
    state.failures = [503, 429, 500];
    const e = embedder({ maxRetries: 3 });
    const [vector] = await e.embed(['hello']);
    await e.close();
    expectUnitVectorOf(vector, 'hello');
    expect(state.requests).toHaveLength(4);
  });

  it('gives up with UnavailableError after the last retry', async () => {
    reset();
    state.failures = [503, 503, 503];
    const e = embedder({ maxRetries: 2 });
    await expect(e.embed(['x'])).rejects.toBeInstanceOf(UnavailableError);
    await e.close();
    expect(state.requests).toHaveLength(3);
  });

  it('does not retry a 4xx answer other than 429', async () => {
    reset();
    state.failures = [401];
    const e = embedder();
    await expect(e.embed(['x'])).rejects.toThrow(/refused the request: 401/);
    await e.close();
    expect(state.requests).toHaveLength(1);
  });

  it('times out a slow server and retries, then reports UnavailableError', async () => {
    reset();
    state.delayMs = 300;
    const e = embedder({ timeoutMs: 50, maxRetries: 1 });
    await expect(e.embed(['x'])).rejects.toBeInstanceOf(UnavailableError);
    await e.close();
    expect(state.requests).toHaveLength(2);
  });

  it('rejects vectors of another dimension', async () => {
    reset();
    state.dimension = DIM + 1;
    const e = embedder({ protocol: 'tei' });
    await expect(e.embed(['x'])).rejects.toThrow(/dimension 4, expected 3/);
    await e.close();
  });

  it('reports an unreachable server as UnavailableError', async () => {
    const e = createHttpEmbedder({
      url: 'http://127.0.0.1:9',
      protocol: 'tei',
      timeoutMs: 500,
      dimension: DIM,
      maxRetries: 1,
      retryBaseDelayMs: 1,
    });
    await expect(e.embed(['x'])).rejects.toBeInstanceOf(UnavailableError);
    await e.close();
  });

  it('sends nothing for no texts', async () => {
    reset();
    const e = embedder();
    expect(await e.embed([])).toEqual([]);
    await e.close();
    expect(state.requests).toHaveLength(0);
  });
});
