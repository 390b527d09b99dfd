// A namespace for a bus on a shared broker: every stream name and subject a service uses goes to the
// server under its namespace (`POSTS` → `scalegram_POSTS`, `post.created` → `scalegram.post.created`) and
// comes back without it, so services keep their plain names and two systems on one NATS never meet.
// Consumers are scoped by their stream, so their names need no prefix (docs/adr/0040).
import { assertNamespace, namespacedStream, namespacedSubject } from '@scalegram/contracts/namespace';
import type { ConsumeOptions, Handler, MessageBus, TransientHandler } from './port.ts';

export interface Namespacing {
  namespace: string;
  stream(name: string): string;
  /** The service's name of a server-side stream name; names outside the namespace pass unchanged. */
  streamOf(wire: string): string;
  subject(subject: string): string;
  subjectOf(wire: string): string;
}

export function namespacing(namespace: string): Namespacing {
  assertNamespace(namespace);
  const streamPrefix = namespacedStream(namespace, '');
  const subjectPrefix = namespacedSubject(namespace, '');
  const strip = (prefix: string, wire: string) => (wire.startsWith(prefix) ? wire.slice(prefix.length) : wire);
  return {
    namespace,
    stream: (name) => namespacedStream(namespace, name),
    streamOf: (wire) => strip(streamPrefix, wire),
    subject: (subject) => namespacedSubject(namespace, subject),
    subjectOf: (wire) => strip(subjectPrefix, wire),
  };
}

export function withNamespace(bus: MessageBus, names: Namespacing): MessageBus {
  return {
    ensureStream: (options) =>
      bus.ensureStream({ ...options, name: names.stream(options.name), subjects: options.subjects.map(names.subject) }),

    async streamState(name) {
      return { ...(await bus.streamState(names.stream(name))), name };
    },

    async publish(subject, event, options) {
      const result = await bus.publish(names.subject(subject), event, options);
      return { ...result, stream: names.streamOf(result.stream) };
    },

    consume<D>(options: ConsumeOptions, handler: Handler<D>) {
      return bus.consume<D>(
        {
          ...options,
          stream: names.stream(options.stream),
          ...(options.filterSubjects ? { filterSubjects: options.filterSubjects.map(names.subject) } : {}),
        },
        (delivery, control) =>
          handler({ ...delivery, subject: names.subjectOf(delivery.subject), stream: options.stream }, control),
      );
    },

    publishTransient: (subject, data) => bus.publishTransient(names.subject(subject), data),

    subscribeTransient: <D>(subject: string, handler: TransientHandler<D>) =>
      bus.subscribeTransient<D>(names.subject(subject), (data, wire) => handler(data, names.subjectOf(wire))),

    close: () => bus.close(),
  };
}
