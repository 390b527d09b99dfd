// The event envelope, CloudEvents 1.0 style. Every event on the bus is one of these.
import { randomUUID } from 'node:crypto';
import Type, { type TSchema } from 'typebox';

export const EventEnvelopeBase = Type.Object({
  specversion: Type.Literal('1.0'),
  id: Type.String({ minLength: 1, description: 'Unique per event; the bus de-duplicates on it (Nats-Msg-Id)' }),
  type: Type.String({ pattern: '^[a-z]+\\.[a-z_.]+$', description: 'e.g. post.created' }),
  source: Type.String({ minLength: 1, description: 'The producing service, e.g. /services/post' }),
  subject: Type.String({ minLength: 1, description: 'The aggregate the event is about, e.g. the post id' }),
  time: Type.String({ format: 'date-time' }),
  datacontenttype: Type.Literal('application/json'),
  dataversion: Type.Integer({ minimum: 1, description: 'Schema version of `data`' }),
});

/** The envelope schema for one event type's `data`. */
export function EventEnvelope<T extends TSchema>(data: T) {
  return Type.Object({ ...EventEnvelopeBase.properties, data });
}

export interface Event<D = unknown> {
  specversion: '1.0';
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  dataversion: number;
  data: D;
}

export interface NewEvent<D> {
  type: string;
  source: string;
  subject: string;
  data: D;
  dataversion?: number;
  id?: string;
  time?: Date;
}

export function createEvent<D>(event: NewEvent<D>): Event<D> {
  return {
    specversion: '1.0',
    id: event.id ?? randomUUID(),
    type: event.type,
    source: event.source,
    subject: event.subject,
    time: (event.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    dataversion: event.dataversion ?? 1,
    data: event.data,
  };
}

/**
 * A stream as the contract defines it: its name, subjects AND settings. Every service that provisions a
 * stream (its producer, and a consumer that may start first) uses this one definition, because
 * provisioning is create-or-update: two services with different settings would rewrite each other's.
 */
export interface StreamDefinition {
  name: string;
  subjects: readonly string[];
  retention: 'limits' | 'workqueue' | 'interest';
  maxAgeMs?: number;
}

/** Domain events are kept a week, so a new or recovering consumer can replay recent history. */
export const EVENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** The definition's settings under another name and subject prefix (tests isolate their streams this way). */
export function streamConfig(
  definition: StreamDefinition,
  placement: { name?: string; subjectPrefix?: string } = {},
): { name: string; subjects: string[]; retention: StreamDefinition['retention']; maxAgeMs?: number } {
  const prefix = placement.subjectPrefix ?? '';
  return {
    name: placement.name ?? definition.name,
    subjects: definition.subjects.map((subject) => prefix + subject),
    retention: definition.retention,
    ...(definition.maxAgeMs === undefined ? {} : { maxAgeMs: definition.maxAgeMs }),
  };
}
