// NATS_STREAM_REPLICAS reaches the server: the bus provisions its streams with the configured number
// of replicas. This machine runs a single NATS server, which must refuse 3 — proof that the setting is
// sent — and store 1 exactly as asked; a stream's own `replicas` option still wins over the bus default.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createNatsBus } from '../src/nats-bus.ts';
import { openBus } from '../src/open-bus.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const suffix = randomBytes(4).toString('hex').toUpperCase();
const created: string[] = [];

afterAll(async () => {
  const nc = await connect({ servers });
  const jsm = await jetstreamManager(nc);
  for (const name of created) await jsm.streams.delete(name).catch(() => false);
  await nc.close();
});

async function replicasOf(name: string): Promise<number> {
  const nc = await connect({ servers });
  try {
    return (await (await jetstreamManager(nc)).streams.info(name)).config.num_replicas;
  } finally {
    await nc.close();
  }
}

describe('stream replicas', () => {
  it('provisions streams with the bus default when the stream does not say', async () => {
    const bus = await openBus({ url: servers, name: 'replicas-test', streamReplicas: 1 });
    const name = `REPLICAS_ONE_${suffix}`;
    created.push(name);
    try {
      await bus.ensureStream({ name, subjects: [`replicas-one-${suffix}.>`], retention: 'limits' });
      expect(await replicasOf(name)).toBe(1);
    } finally {
      await bus.close();
    }
  });

  it('sends the configured count to the server, which refuses 3 on a single node', async () => {
    const bus = await createNatsBus({ servers, name: 'replicas-test', streamReplicas: 3 });
    const name = `REPLICAS_THREE_${suffix}`;
    created.push(name);
    try {
      await expect(
        bus.ensureStream({ name, subjects: [`replicas-three-${suffix}.>`], retention: 'limits' }),
      ).rejects.toThrow(/replica/i);
      // The stream's own setting wins over the bus default.
      await bus.ensureStream({ name, subjects: [`replicas-three-${suffix}.>`], retention: 'limits', replicas: 1 });
      expect(await replicasOf(name)).toBe(1);
    } finally {
      await bus.close();
    }
  });
});
