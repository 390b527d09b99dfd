// The seeding progress bar (cli-progress) on stderr: one bar per phase (users, follows, posts, likes,
// comments), replaced when the phase changes. Off a terminal (a Kubernetes Job's log) cli-progress prints
// the bar as a plain line every few seconds instead of redrawing it.
import cliProgress from 'cli-progress';
import type { SeedPhase } from './seed/seed-social-network.ts';

export interface SeedProgressBar {
  update(phase: SeedPhase, done: number, total: number): void;
  stop(): void;
}

export function createSeedProgressBar(stream: NodeJS.WriteStream = process.stderr): SeedProgressBar {
  let bar: cliProgress.SingleBar | undefined;
  let current: SeedPhase | undefined;
  let started = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    update(phase, done, total) {
      if (phase !== current) {
        stop();
        current = phase;
        // A phase with nothing to do (no likes asked for, follows already complete) gets no bar.
        if (total === 0) return;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `seed ${phase.padEnd(8)} [{bar}] {value}/{total} {percentage}% | {rate}/s | eta {eta_formatted}`,
            noTTYOutput: true,
            notTTYSchedule: 5_000,
            etaBuffer: 200,
            hideCursor: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, { rate: '0' });
        started = performance.now();
      }
      const seconds = (performance.now() - started) / 1000;
      bar?.update(done, { rate: seconds > 0 ? (done / seconds).toFixed(0) : '0' });
      if (done >= total) stop();
    },
    stop,
  };
}
