// An Embedder backed by an embedding server, for when a real model is deployed:
//   protocol 'openai'  POST {url}/v1/embeddings  { input: string[], model }  →  { data: [{ index, embedding }] }
//                      (OpenAI and the many servers that copy its API: vLLM, Ollama, LocalAI, LiteLLM, …)
//   protocol 'tei'     POST {url}/embed           { inputs: string[], truncate: true }  →  number[][]
//                      (Hugging Face Text Embeddings Inference)
// Texts go in batches (servers cap the inputs per request; TEI's default is 32). Each request has a
// timeout; 429 and 5xx answers, timeouts and connection failures are retried with exponential back-off
// and full jitter (honouring Retry-After), then surface as UnavailableError. Other 4xx answers are the
// caller's or the configuration's fault and fail at once. Every vector's length is checked against
// `dimension` (a model swapped under a collection must fail loudly, not index garbage) and normalised.
import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError } from '@scalegram/contracts/errors';
import { Agent, request } from 'undici';
import type { Embedder } from './embedder.ts';
import { normalized } from './vector-math.ts';

export interface HttpEmbedderOptions {
  /** Server base URL, without the endpoint path, e.g. http://tei:8080 or https://api.openai.com. */
  url: string;
  protocol: 'openai' | 'tei';
  /** Model name, sent with the OpenAI protocol (TEI serves one model). */
  model?: string;
  /** Sent as `Authorization: Bearer …` (OpenAI, and TEI started with --api-key). */
  apiKey?: string;
  /** Timeout of one request attempt. */
  timeoutMs: number;
  /** The model's vector length; answers of another length are rejected. */
  dimension: number;
  /** Texts per request. */
  batchSize?: number;
  /** Retries after the first attempt, for retryable failures. */
  maxRetries?: number;
  /** First back-off delay; doubles per retry. */
  retryBaseDelayMs?: number;
}

export interface HttpEmbedder extends Embedder {
  /** Closes the keep-alive connections. */
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 10_000;

/** A failure worth another attempt (429, 5xx, timeout, connection error). */
class RetryableError extends Error {
  override name = 'RetryableError';
  retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number, cause?: unknown) {
    super(message, { cause });
    this.retryAfterMs = retryAfterMs;
  }
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, MAX_BACKOFF_MS) : undefined;
}

function parseVectors(body: unknown, protocol: 'openai' | 'tei', expected: number): unknown[] {
  if (protocol === 'tei') {
    if (!Array.isArray(body)) throw new Error('TEI answer is not an array of vectors');
    return body;
  }
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new Error('OpenAI answer has no data array');
  // The API returns one item per input with its `index`; do not trust the array order.
  const byIndex = new Array<unknown>(expected);
  for (const item of data as { index?: unknown; embedding?: unknown }[]) {
    if (typeof item.index !== 'number' || item.index < 0 || item.index >= expected) {
      throw new Error('OpenAI answer has an item with a bad index');
    }
    byIndex[item.index] = item.embedding;
  }
  return byIndex;
}

export function createHttpEmbedder(options: HttpEmbedderOptions): HttpEmbedder {
  const { protocol, dimension, timeoutMs, batchSize = 32, maxRetries = 3, retryBaseDelayMs = 200 } = options;
  const endpoint = new URL(protocol === 'openai' ? 'v1/embeddings' : 'embed', `${options.url.replace(/\/+$/, '')}/`);
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;

  async function attempt(texts: string[]): Promise<Float32Array[]> {
    const payload = protocol === 'openai' ? { input: texts, model: options.model } : { inputs: texts, truncate: true };
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(payload),
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new RetryableError(
        `embedding request to ${endpoint.host} failed: ${(error as Error).message}`,
        undefined,
        error,
      );
    }
    const { statusCode } = response;
    if (statusCode === 429 || statusCode >= 500) {
      await response.body.dump();
      throw new RetryableError(
        `embedding server answered ${statusCode}`,
        retryAfterMs(response.headers['retry-after']),
      );
    }
    if (statusCode !== 200) {
      const detail = (await response.body.text()).slice(0, 200);
      throw new Error(`embedding server refused the request: ${statusCode} ${detail}`);
    }
    const vectors = parseVectors(await response.body.json(), protocol, texts.length);
    if (vectors.length !== texts.length) {
      throw new Error(`embedding server returned ${vectors.length} vectors for ${texts.length} texts`);
    }
    return vectors.map((vector) => {
      if (!Array.isArray(vector) || vector.length !== dimension || !vector.every(Number.isFinite)) {
        const got = Array.isArray(vector) ? vector.length : typeof vector;
        throw new Error(`embedding server returned a vector of dimension ${got}, expected ${dimension}`);
      }
      return normalized(vector as number[]);
    });
  }

  async function embedBatch(texts: string[]): Promise<Float32Array[]> {
    for (let retry = 0; ; retry++) {
      try {
        return await attempt(texts);
      } catch (error) {
        if (!(error instanceof RetryableError)) throw error;
        if (retry >= maxRetries) {
          throw new UnavailableError(`${error.message} (after ${retry + 1} attempts)`, { cause: error });
        }
        // Full jitter (a random delay up to the exponential cap) spreads the retries of many replicas.
        const backoff = Math.random() * Math.min(retryBaseDelayMs * 2 ** retry, MAX_BACKOFF_MS);
        await sleep(Math.max(backoff, error.retryAfterMs ?? 0));
      }
    }
  }

  return {
    name: `${protocol}:${options.model ?? 'default'}`,
    dimension,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        out.push(...(await embedBatch(texts.slice(start, start + batchSize))));
      }
      return out;
    },
    async close() {
      await dispatcher.close();
    },
  };
}
