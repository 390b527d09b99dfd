// The broker half of the in-process bus: streams, durable consumers and, when a data directory is given,
// the journal that carries them across restarts. It plays the part of the JetStream server; the client
// half (dispatch, transient subjects) is in in-process-bus.ts.
import { ConflictError, UnavailableError } from '@scalegram/contracts/errors';
import { type ConsumerSettings, InProcessConsumer } from './in-process-consumer.ts';
import { type Journal, type JournalPosition, type JournalRecord, openJournal } from './in-process-journal.ts';
import { InProcessStream, type StoredMessage } from './in-process-stream.ts';
import type { BusLogger, PublishResult, StreamOptions } from './port.ts';
import { subjectsOverlap } from './subject-match.ts';

/** Until a `consume` call brings real settings, a replayed durable only remembers what it acknowledged. */
const REPLAYED_SETTINGS: ConsumerSettings = { filterSubjects: [], ackWaitMs: 30_000, maxDeliver: 1, maxAckPending: 1 };

export class InProcessBroker {
  readonly streams = new Map<string, InProcessStream>();
  readonly #journal: Journal | undefined;
  readonly #logger: BusLogger;

  private constructor(journal: Journal | undefined, logger: BusLogger) {
    this.#journal = journal;
    this.#logger = logger;
  }

  /** In memory without `dataDir`; otherwise replays and compacts the journal found there. */
  static async open(dataDir: string | undefined, logger: BusLogger): Promise<InProcessBroker> {
    if (dataDir === undefined) return new InProcessBroker(undefined, logger);
    const journal = await openJournal(dataDir);
    const broker = new InProcessBroker(journal, logger);
    for (const record of journal.records) broker.#replay(record);
    const snapshot = broker.#snapshot();
    const positions = await journal.rewrite(snapshot);
    snapshot.forEach((record, i) => {
      if (record.t === 'msg')
        broker.streams.get(record.stream)?.persisted(record.message.seq, positions[i] as JournalPosition);
    });
    return broker;
  }

  async ensureStream(config: StreamOptions): Promise<void> {
    const clash = [...this.streams.values()].find(
      (other) =>
        other.config.name !== config.name &&
        other.config.subjects.some((a) => config.subjects.some((b) => subjectsOverlap(a, b))),
    );
    if (clash) {
      throw new ConflictError(`subjects of ${config.name} overlap with stream ${clash.config.name}`, {
        code: 'stream-subjects-overlap',
      });
    }
    this.#applyStream(config);
    await this.#journal?.append({ t: 'stream', config });
  }

  async append(subject: string, data: string, headers: Record<string, string>, msgId?: string): Promise<PublishResult> {
    const stream = [...this.streams.values()].find((s) => s.captures(subject));
    if (!stream) throw new UnavailableError(`no stream captures subject ${subject}`, { code: 'no-stream' });
    const storedAt = Date.now();
    const result = stream.append(subject, data, headers, msgId, storedAt);
    if (!result.duplicate && this.#journal) {
      const message = { seq: result.seq, subject, data, headers, storedAt, ...(msgId !== undefined ? { msgId } : {}) };
      // The publisher's promise resolves only once the message is in the journal: an acknowledged
      // publish survives a crash of the process.
      const position = await this.#journal
        .append({ t: 'msg', stream: stream.config.name, message })
        .catch((err: unknown) => {
          throw new UnavailableError('could not write the bus journal', { code: 'journal-write', cause: err });
        });
      if (position !== undefined) stream.persisted(result.seq, position);
    }
    return result;
  }

  /** The durable consumer `name` on `stream`, created on first use. */
  durable(stream: InProcessStream, name: string, settings: ConsumerSettings): InProcessConsumer {
    const existing = stream.consumers.get(name);
    if (existing) {
      existing.settings = settings;
      return existing;
    }
    const consumer = this.#createDurable(stream, name, settings);
    this.#journalInBackground({
      t: 'consumer',
      stream: stream.config.name,
      durable: name,
      filterSubjects: settings.filterSubjects,
    });
    return consumer;
  }

  async close(): Promise<void> {
    for (const stream of this.streams.values()) for (const consumer of stream.consumers.values()) consumer.close();
    await this.#journal?.close();
  }

  #applyStream(config: StreamOptions): InProcessStream {
    const existing = this.streams.get(config.name);
    if (existing) {
      existing.update(config);
      return existing;
    }
    const journal = this.#journal;
    const load =
      journal && ((position: JournalPosition, seq: number) => readMessage(journal, position, config.name, seq));
    const stream = new InProcessStream(config, load);
    this.streams.set(config.name, stream);
    return stream;
  }

  #createDurable(stream: InProcessStream, name: string, settings: ConsumerSettings): InProcessConsumer {
    const journalSettle = (seq: number) =>
      this.#journalInBackground({ t: 'settle', stream: stream.config.name, durable: name, seq });
    const consumer = new InProcessConsumer(stream, settings, journalSettle);
    stream.consumers.set(name, consumer);
    return consumer;
  }

  /** Acks need not wait for the disk: a lost ack only means one more delivery (at-least-once). */
  #journalInBackground(record: JournalRecord): void {
    this.#journal?.append(record).catch((err: unknown) => {
      this.#logger.warn({ err: String(err), record: record.t }, 'could not write the bus journal');
    });
  }

  #replay(record: JournalRecord): void {
    if (record.t === 'stream') {
      const stream = this.#applyStream(record.config);
      stream.lastSeq = Math.max(stream.lastSeq, record.lastSeq ?? 0);
      return;
    }
    const stream = this.streams.get(record.stream);
    if (!stream) return;
    if (record.t === 'msg') stream.restore(record.message);
    else if (record.t === 'consumer') {
      this.#createDurable(stream, record.durable, { ...REPLAYED_SETTINGS, filterSubjects: record.filterSubjects });
    } else stream.consumers.get(record.durable)?.markSettled(record.seq);
  }

  /** The smallest journal that replays to the current state: definitions, stored messages, their acks. */
  #snapshot(): JournalRecord[] {
    const records: JournalRecord[] = [];
    for (const stream of this.streams.values()) {
      const name = stream.config.name;
      records.push({ t: 'stream', config: stream.config, lastSeq: stream.lastSeq });
      for (const [durable, consumer] of stream.consumers) {
        records.push({ t: 'consumer', stream: name, durable, filterSubjects: consumer.settings.filterSubjects });
      }
      const messages = [...stream.stored()];
      for (const message of messages) records.push({ t: 'msg', stream: name, message });
      for (const [durable, consumer] of stream.consumers) {
        for (const { seq } of messages)
          if (consumer.isSettled(seq)) records.push({ t: 'settle', stream: name, durable, seq });
      }
    }
    return records;
  }
}

/** Reads message `seq` of `stream` back; a record that is not that message means the file is not what was written. */
function readMessage(journal: Journal, position: JournalPosition, stream: string, seq: number): StoredMessage {
  const record = journal.read(position);
  if (record.t !== 'msg' || record.stream !== stream || record.message.seq !== seq) {
    throw new Error(`bus journal: message ${stream}/${seq} is not at offset ${position.offset}`);
  }
  return record.message;
}
