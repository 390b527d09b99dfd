// How a service's server.ts picks its key-value adapter: Redis when a URL is configured, the
// in-memory store otherwise (the embedded default; private to the process).
import { createMemoryStore } from './memory-store.ts';
import type { KeyValueStore } from './port.ts';
import { createRedisStore } from './redis-store.ts';

export interface OpenKeyValueStoreOptions {
  /** e.g. `redis://127.0.0.1:6379/0`; when absent the in-memory store is used. */
  url?: string | undefined;
  /** Namespace for this service's keys, e.g. `auth:`; several services may share one Redis. */
  keyPrefix: string;
}

export async function openKeyValueStore(options: OpenKeyValueStoreOptions): Promise<KeyValueStore> {
  if (options.url) return createRedisStore({ url: options.url, keyPrefix: options.keyPrefix });
  return createMemoryStore({ keyPrefix: options.keyPrefix });
}
