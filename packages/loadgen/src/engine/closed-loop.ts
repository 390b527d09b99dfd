// Closed-loop load: N virtual users, each sending a request, waiting for the response, thinking, and
// sending the next. This models a fixed population (e.g. a connection-limited client) and finds peak
// throughput quickly, but it suffers coordinated omission by construction: when the server slows down the
// users send less, so latency percentiles describe the requests that were sent, not the ones users wanted
// to send. Intended and actual send times are the same here, so latency equals service time. Use the open
// loop to measure latency; use this for "how many users can it serve" questions.
import { performance } from 'node:perf_hooks';
import type { Rng } from '../rng.ts';
import type { Work } from '../scenario.ts';
import type { HttpTarget } from './http-target.ts';
import { createRecorder, type RunStats, type SecondPoint } from './recorder.ts';

export interface ClosedLoopOptions {
  target: HttpTarget;
  nextRequest: () => Work;
  /** Concurrent virtual users; more than the target's capacity only queues inside the client. */
  virtualUsers: number;
  durationMs: number;
  /** Mean pause between a response and the user's next request; 0 = none. */
  thinkTimeMs: number;
  /** Constant think time, or exponential with that mean. */
  thinkTime: 'constant' | 'exponential';
  rng: Rng;
  onSecond?: (point: SecondPoint, inFlight: number) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runClosedLoop(options: ClosedLoopOptions): Promise<RunStats> {
  const { target, nextRequest, durationMs, thinkTimeMs, rng } = options;
  if (!(options.virtualUsers >= 1)) throw new RangeError('virtualUsers must be ≥ 1');
  const recorder = createRecorder();
  const start = performance.now();
  const now = () => performance.now() - start;
  let inFlight = 0;

  let lastReported = 0;
  const progress = options.onSecond
    ? setInterval(() => {
        const completeSeconds = Math.floor(now() / 1000);
        while (lastReported < completeSeconds) options.onSecond?.(recorder.point(lastReported++), inFlight);
      }, 1000)
    : undefined;

  const user = async (): Promise<void> => {
    while (now() < durationMs) {
      const sentMs = now();
      recorder.scheduled();
      recorder.sent(sentMs, sentMs, false);
      inFlight++;
      const work = nextRequest();
      const outcome = await target.send(work);
      inFlight--;
      recorder.completed(sentMs, sentMs, now(), outcome, work.label);
      if (thinkTimeMs > 0) {
        const pause = options.thinkTime === 'constant' ? thinkTimeMs : -Math.log(1 - rng.next()) * thinkTimeMs;
        await sleep(Math.min(pause, Math.max(0, durationMs - now())));
      }
    }
  };
  await Promise.all(Array.from({ length: options.virtualUsers }, user));
  if (progress) clearInterval(progress);
  // The last second(s) end as the run does, possibly before the timer fired: report them too.
  while (options.onSecond && lastReported < Math.ceil(durationMs / 1000)) {
    options.onSecond(recorder.point(lastReported++), inFlight);
  }
  return recorder.stats(durationMs, now(), null);
}
