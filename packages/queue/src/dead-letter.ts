// Dead-letter conventions shared by both adapters. JetStream has no native dead-letter queue: when a
// message reaches max_deliver the server only emits an advisory that names the stream sequence and carries
// no payload. So the bus itself republishes the failing message, unchanged, to `dlq.<stream>.<durable>`
// in one DLQ stream, with headers that say where it came from and why it failed (see ADR 0010).

export const DEAD_LETTER_STREAM = 'DLQ';
export const DEAD_LETTER_SUBJECTS = ['dlq.>'];
/** Dead letters are kept for two weeks: long enough to inspect and replay, bounded so the stream cannot grow forever. */
export const DEAD_LETTER_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

export const DlqHeaders = {
  subject: 'Scalegram-Dlq-Subject',
  stream: 'Scalegram-Dlq-Stream',
  durable: 'Scalegram-Dlq-Durable',
  streamSeq: 'Scalegram-Dlq-Stream-Seq',
  deliveries: 'Scalegram-Dlq-Deliveries',
  error: 'Scalegram-Dlq-Error',
} as const;

export function deadLetterSubject(stream: string, durable: string): string {
  return `dlq.${stream}.${durable}`;
}

export interface DeadLetter {
  subject: string;
  /** The original payload, byte for byte (it may not even be valid JSON). */
  data: string;
  headers: Record<string, string>;
  /** One dead letter per original message and durable, even if the bus retries the republish. */
  msgId: string;
}

export interface FailedMessage {
  subject: string;
  stream: string;
  durable: string;
  streamSeq: number;
  deliveryCount: number;
  data: string;
}

export function buildDeadLetter(failed: FailedMessage, error: string): DeadLetter {
  return {
    subject: deadLetterSubject(failed.stream, failed.durable),
    data: failed.data,
    msgId: `${failed.stream}:${failed.streamSeq}:${failed.durable}`,
    headers: {
      [DlqHeaders.subject]: failed.subject,
      [DlqHeaders.stream]: failed.stream,
      [DlqHeaders.durable]: failed.durable,
      [DlqHeaders.streamSeq]: String(failed.streamSeq),
      [DlqHeaders.deliveries]: String(failed.deliveryCount),
      // Header values are single-line text in NATS; keep the reason readable and bounded.
      [DlqHeaders.error]: error.replace(/[\r\n]+/g, ' ').slice(0, 512),
    },
  };
}
