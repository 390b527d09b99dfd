// A namespace on a shared NATS server (ADR 0040): the whole bus contract holds through it, two namespaces
// with the same stream names and subjects never see each other's events, and a stream of someone else on
// the namespace's subjects is one clear error naming that stream and the setting that avoids it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ConflictError } from '@scalegram/contracts/errors';
import { createEvent } from '@scalegram/contracts/events';
import { DEAD_LETTER_STREAM } from '../src/dead-letter.ts';
import { createNatsBus } from '../src/nats-bus.ts';
import type { MessageBus } from '../src/port.ts';
import { describeBusContract } from './contract/bus-contract.ts';
import { collect, waitFor } from './contract/wait.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const uniqueNamespace = () => `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;

async function deleteStreams(names: string[]): Promise<void> {
  const nc = await connect({ servers });
  const jsm = await jetstreamManager(nc);
  for (const name of names) await jsm.streams.delete(name).catch(() => false);
  await nc.close();
}

const contractNamespace = uniqueNamespace();
describeBusContract('NATS JetStream in a namespace', {
  makeBus: () =>
    createNatsBus({ servers, name: 'queue-namespace-test', publishTimeoutMs: 2_000, namespace: contractNamespace }),
  // Everything, the dead-letter stream included, is this namespace's own.
  cleanup: ({ streams }) =>
    deleteStreams([...streams, DEAD_LETTER_STREAM].map((name) => `${contractNamespace}_${name}`)),
});

describe('NATS namespaces', () => {
  const a = uniqueNamespace();
  const b = uniqueNamespace();
  let busA: MessageBus;
  let busB: MessageBus;
  let nc: NatsConnection;

  beforeAll(async () => {
    busA = await createNatsBus({ servers, name: 'namespace-a', namespace: a });
    busB = await createNatsBus({ servers, name: 'namespace-b', namespace: b });
    nc = await connect({ servers });
  });

  afterAll(async () => {
    await busA.close();
    await busB.close();
    await nc.close();
    await deleteStreams([`${a}_POSTS`, `${b}_POSTS`, `${a}_DLQ`, `${b}_DLQ`, `FOREIGN_${a}`]);
  });

  it('keeps two systems with the same stream names and subjects apart', async () => {
    const stream = { name: 'POSTS', subjects: ['post.>'], retention: 'limits' as const };
    await busA.ensureStream(stream);
    await busB.ensureStream(stream);
    const event = (text: string) => createEvent({ type: 'post.created', source: '/t', subject: '1', data: { text } });
    const published = await busA.publish('post.created', event('from a'));
    expect(published.stream).toBe('POSTS');
    await busB.publish('post.created', event('from b'));

    const options = { stream: 'POSTS', durable: 'reader', ackWaitMs: 5_000, maxDeliver: 3 };
    const seenByA = await collect<{ text: string }>(busA, options);
    const seenByB = await collect<{ text: string }>(busB, options);
    await waitFor(() => seenByA.got.length >= 1 && seenByB.got.length >= 1);
    expect(seenByA.got.map((d) => [d.stream, d.subject, d.event.data.text])).toEqual([
      ['POSTS', 'post.created', 'from a'],
    ]);
    expect(seenByB.got.map((d) => d.event.data.text)).toEqual(['from b']);
    await seenByA.consumer.stop();
    await seenByB.consumer.stop();

    // On the server, each namespace has its own stream and subjects.
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(`${a}_POSTS`)).config.subjects).toEqual([`${a}.post.>`]);
    expect((await busA.streamState('POSTS')).messages).toBe(1);
  });

  it('names the stream that already holds its subjects and the setting that avoids it', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: `FOREIGN_${a}`, subjects: [`${a}.user.>`] });
    const error = await busA
      .ensureStream({ name: 'USERS', subjects: ['user.>'], retention: 'limits' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('stream-subjects-taken');
    expect((error as Error).message).toContain(`NATS stream "FOREIGN_${a}" already captures ${a}.user.>`);
    expect((error as Error).message).toContain('NAMESPACE');
  });
});
