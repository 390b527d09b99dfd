// A minimal Server-Sent Events client over undici's fetch, for the tests: it parses frames as they
// arrive and lets a test wait for the n-th notification or a heartbeat.
import type { Notification } from '@scalegram/contracts/notifications';
import { fetch } from 'undici';

export interface SseFrame {
  id: string | undefined;
  event: string | undefined;
  data: string;
  /** performance.now() when the frame was parsed. */
  at: number;
}

export interface SseClient {
  status: number;
  headers: Headers;
  frames: SseFrame[];
  comments: string[];
  retries: number[];
  /** The notifications received so far, with their event ids. */
  notifications(): { id: string; notification: Notification }[];
  /** Resolves when `predicate` holds over what was received; rejects after `timeoutMs`. */
  until(predicate: (client: SseClient) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const waiters = new Set<() => void>();
  const client: SseClient = {
    status: response.status,
    headers: response.headers as unknown as Headers,
    frames: [],
    comments: [],
    retries: [],
    notifications: () =>
      client.frames
        .filter((frame) => frame.event === 'notification')
        .map((frame) => ({ id: frame.id ?? '', notification: JSON.parse(frame.data) as Notification })),
    until(predicate, timeoutMs = 5_000) {
      if (predicate(client)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(client)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SSE condition not met in ${timeoutMs} ms; frames: ${JSON.stringify(client.frames)}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    ended: Promise.resolve(),
    close: () => controller.abort(),
  };

  const parse = (block: string) => {
    const frame: SseFrame = { id: undefined, event: undefined, data: '', at: performance.now() };
    let isFrame = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) client.comments.push(line.slice(1).trim());
      else if (line.startsWith('retry: ')) client.retries.push(Number(line.slice(7)));
      else if (line.startsWith('id: ')) frame.id = line.slice(4);
      else if (line.startsWith('event: ')) frame.event = line.slice(7);
      else if (line.startsWith('data: ')) {
        frame.data += line.slice(6);
        isFrame = true;
      }
    }
    if (isFrame) client.frames.push(frame);
  };

  client.ended = (async () => {
    if (response.body === null) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let boundary = buffer.indexOf('\n\n');
        while (boundary >= 0) {
          parse(buffer.slice(0, boundary));
          buffer = buffer.slice(boundary + 2);
          boundary = buffer.indexOf('\n\n');
        }
        for (const waiter of [...waiters]) waiter();
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  })();
  return client;
}
