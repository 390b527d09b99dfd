// LISTEN on a dedicated node-postgres client that reconnects after the server goes away.
// Notifications are only a latency optimisation for their users (the outbox relay also polls), so
// a gap while reconnecting loses nothing but speed.
import pg from 'pg';
import { mapDatabaseError } from './errors.ts';

const RECONNECT_DELAY_MS = 1_000;

export async function listenWithReconnect(
  name: string,
  config: pg.ClientConfig,
  channel: string,
  onNotification: () => void,
  onError: ((error: Error) => void) | undefined,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client(config);
    next.on('notification', (message) => {
      if (message.channel === channel) onNotification();
    });
    next.on('error', (error) => {
      onError?.(error);
      scheduleReconnect(next);
    });
    next.on('end', () => scheduleReconnect(next));
    await next.connect();
    await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
    client = next;
    // Anything notified while we were disconnected was missed: let the listener catch up.
    onNotification();
  };

  const scheduleReconnect = (failed: pg.Client): void => {
    if (stopped || client !== failed) return;
    client = undefined;
    failed.end().catch(() => undefined);
    retryTimer = setTimeout(function retry() {
      if (stopped) return;
      connect().catch((error: Error) => {
        onError?.(error);
        retryTimer = setTimeout(retry, RECONNECT_DELAY_MS);
      });
    }, RECONNECT_DELAY_MS);
  };

  try {
    await connect();
  } catch (error) {
    throw mapDatabaseError(error, name);
  }

  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    const current = client;
    client = undefined;
    await current?.end();
  };
}
