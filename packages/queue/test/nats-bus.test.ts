import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { DEAD_LETTER_STREAM } from '../src/dead-letter.ts';
import { createNatsBus } from '../src/nats-bus.ts';
import { describeBusContract } from './contract/bus-contract.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describeBusContract('NATS JetStream', {
  makeBus: () => createNatsBus({ servers, name: 'queue-contract-test', publishTimeoutMs: 2_000 }),
  // The suite's streams are its own; the DLQ stream is shared, so only this run's readers and letters go.
  async cleanup({ streams, deadLetters }) {
    const nc = await connect({ servers });
    const jsm = await jetstreamManager(nc);
    for (const name of streams) await jsm.streams.delete(name);
    for (const { subject, durable } of deadLetters) {
      await jsm.consumers.delete(DEAD_LETTER_STREAM, durable).catch(() => false);
      await jsm.streams.purge(DEAD_LETTER_STREAM, { filter: subject });
    }
    await nc.close();
  },
});
