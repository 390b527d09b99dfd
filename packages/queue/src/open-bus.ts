// How a service's server.ts picks its message bus: NATS JetStream when a URL is configured, the
// in-process bus otherwise (the embedded default; journaled to `dataDir` when one is given). The
// in-process bus only connects what runs in one process, which is why the embedded runner shares one
// instance between all services instead of calling this once per service.
import { createInProcessBus } from './in-process-bus.ts';
import { createNatsBus } from './nats-bus.ts';
import type { MessageBus } from './port.ts';

export interface OpenBusOptions {
  /** e.g. `nats://127.0.0.1:4222` (comma-separated for a cluster); absent selects the in-process bus. */
  url?: string | undefined;
  /** Connection name shown by NATS monitoring, e.g. the service name and replica. */
  name: string;
  /** Journal directory for the in-process bus. */
  dataDir?: string | undefined;
  /** NATS only: replicas of the streams it provisions (NATS_STREAM_REPLICAS; the in-process bus has one copy). */
  streamReplicas?: number | undefined;
  /**
   * NATS only: the namespace of every stream and subject on the server (NAMESPACE, ADR 0040). The
   * in-process bus is private to its process and needs none.
   */
  namespace?: string | undefined;
}

export async function openBus(options: OpenBusOptions): Promise<MessageBus> {
  if (options.url) {
    return createNatsBus({
      servers: options.url.split(','),
      name: options.name,
      ...(options.streamReplicas === undefined ? {} : { streamReplicas: options.streamReplicas }),
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    });
  }
  return createInProcessBus(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
}
