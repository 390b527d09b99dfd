// Open-loop load: requests are issued at intended times fixed in advance by the load shape and the
// arrival process, whether or not earlier responses have come back. This is how real users behave (they
// do not wait for each other), and it is what keeps the measurement honest.
//
// Coordinated omission (Gil Tene): a closed-loop tester that waits for a slow response before sending the
// next request stops sending exactly when the server is slow, so the requests that WOULD have waited are
// never measured, and the percentiles look far better than what users see. Here every request's latency is
// measured from its INTENDED send time. If the server stalls for a second, the requests due during that
// second are charged for the time they spent waiting, as a user's would be.
//
// In-flight cap. Connections are finite (connections × pipelining = `target.capacity`). When all are busy,
// a due request waits in a FIFO backlog and is sent when one frees; it is counted as `late` and its latency
// still runs from its intended time (so the queueing shows), while its service time runs from the real send.
// The backlog is bounded (`maxBacklog`): a request due when it is full is not sent, is counted as `dropped`
// (an error kind, so it raises the error rate) and gets no latency, because it never got a response.
import { performance } from 'node:perf_hooks';
import type { Rng } from '../rng.ts';
import type { Work } from '../scenario.ts';
import { type ArrivalProcess, intendedTimes } from './arrivals.ts';
import type { HttpTarget } from './http-target.ts';
import { expectedRequests, type LoadShape, shapeDurationMs, validateShape } from './load-shape.ts';
import { createRecorder, type RunStats, type SecondPoint } from './recorder.ts';

export interface OpenLoopOptions {
  target: HttpTarget;
  /** Produces the next request (the caller picks the user and calls the scenario). */
  nextRequest: () => Work;
  shape: LoadShape;
  arrival: ArrivalProcess;
  rng: Rng;
  /** Due requests allowed to wait for a free connection before new ones are dropped. */
  maxBacklog?: number;
  /** How long to wait for outstanding responses after the last intended send. */
  drainTimeoutMs?: number;
  /** Called once a second with the second that just ended. */
  onSecond?: (point: SecondPoint, inFlight: number) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runOpenLoop(options: OpenLoopOptions): Promise<RunStats> {
  validateShape(options.shape);
  const { target, nextRequest } = options;
  const durationMs = shapeDurationMs(options.shape);
  const maxBacklog = options.maxBacklog ?? 10_000;
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const recorder = createRecorder();
  const schedule = intendedTimes(options.shape, options.arrival, options.rng);

  const backlog: number[] = [];
  let backlogHead = 0;
  let inFlight = 0;
  let closed = false;
  const start = performance.now();
  const now = () => performance.now() - start;

  const issue = (intendedMs: number, late: boolean): void => {
    inFlight++;
    const sentMs = now();
    recorder.sent(intendedMs, sentMs, late);
    const work = nextRequest();
    void target.send(work).then((outcome) => {
      if (closed) return;
      inFlight--;
      recorder.completed(intendedMs, sentMs, now(), outcome, work.label);
      // A freed connection goes to the oldest waiting request first.
      if (backlogHead < backlog.length) {
        issue(backlog[backlogHead++] as number, true);
        if (backlogHead > 1024 && backlogHead * 2 > backlog.length) {
          // Reclaim the consumed head of the queue now and then instead of shifting on every dequeue.
          backlog.splice(0, backlogHead);
          backlogHead = 0;
        }
      }
    });
  };

  const dispatch = (intendedMs: number): void => {
    recorder.scheduled();
    if (inFlight < target.capacity) issue(intendedMs, false);
    else if (backlog.length - backlogHead < maxBacklog) backlog.push(intendedMs);
    else recorder.dropped(intendedMs, 'dropped-backlog-full');
  };

  let lastReported = 0;
  const progress = options.onSecond
    ? setInterval(() => {
        const completeSeconds = Math.floor(now() / 1000);
        while (lastReported < completeSeconds) options.onSecond?.(recorder.point(lastReported++), inFlight);
      }, 1000)
    : undefined;

  // The scheduler: wake at the next intended time, send everything that is due (catching up if the timer
  // fired late, so a slow event loop cannot lower the rate), then sleep until the next one.
  let next = schedule.next();
  while (!next.done) {
    const wait = next.value - now();
    if (wait > 1) await sleep(wait);
    else if (wait > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const due = now();
    while (!next.done && next.value <= due) {
      dispatch(next.value);
      next = schedule.next();
    }
  }

  // Drain: give outstanding and waiting requests time to finish; what is still waiting is counted, not forgotten.
  const drainDeadline = now() + drainTimeoutMs;
  while ((inFlight > 0 || backlogHead < backlog.length) && now() < drainDeadline) await sleep(5);
  closed = true;
  if (progress) clearInterval(progress);
  // The last second(s) end as the run does, possibly before the timer fired: report them too.
  while (options.onSecond && lastReported < Math.ceil(durationMs / 1000)) {
    options.onSecond(recorder.point(lastReported++), inFlight);
  }
  while (backlogHead < backlog.length) recorder.dropped(backlog[backlogHead++] as number, 'dropped-not-sent');
  for (let i = 0; i < inFlight; i++) recorder.completed(0, 0, now(), { ok: false, errorKind: 'abandoned-in-flight' });

  const askedRate = expectedRequests(options.shape) / (durationMs / 1000);
  return recorder.stats(durationMs, now(), askedRate);
}
