// A live hub that records what would be announced, for tests that exercise the store without a bus.
import type { LiveHub, LiveMessage } from '../../src/live/live-hub.ts';

export interface RecordingHub extends LiveHub {
  announced: { userId: string; message: LiveMessage }[];
}

export function createRecordingHub(): RecordingHub {
  const announced: { userId: string; message: LiveMessage }[] = [];
  return {
    announced,
    async announce(userId, message) {
      announced.push({ userId, message });
    },
    async listen() {
      return () => undefined;
    },
    subscribedUsers: () => 0,
    close: () => undefined,
  };
}
