#!/usr/bin/env node
// scalegram-load: the command-line front of the load generator. Prints a progress line a second to
// stderr, writes <out>/<scenario>-<kind>-<date>.{json,md,svg}, prints the Markdown summary to stdout, and
// exits 1 when the error rate is above --max-error-rate (or find-max found no passing rate), 2 on bad usage
// or when the run cannot start (e.g. seeding failed). `seed` only seeds (or reuses) the population.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runBenchmark } from './benchmark.ts';
import { parseCli, USAGE } from './cli-options.ts';
import type { FindMaxStep } from './engine/find-max.ts';
import type { SecondPoint } from './engine/recorder.ts';
import { renderMarkdown } from './report/markdown.ts';
import { writeReport } from './report/write-report.ts';
import { preparePopulation } from './scenarios/social/population.ts';
import { createSeedProgressBar } from './seed-progress.ts';

const ms = (value: number | null) => (value === null ? '–' : `${value.toFixed(value < 10 ? 2 : 1)} ms`);

function progressLine(point: SecondPoint, inFlight: number): string {
  return (
    `[${String(point.second + 1).padStart(4)}s] sent ${point.sent}/s  ok ${point.ok}/s  ` +
    `errors ${point.errors + point.dropped}  p50 ${ms(point.p50)}  p99 ${ms(point.p99)}  in flight ${inFlight}`
  );
}

function stepLine(step: FindMaxStep, label: string): string {
  const s = step.stats;
  return (
    `${label}: ${step.rate} req/s → ok ${s.okRate.toFixed(0)}/s, p50 ${ms(s.latency.p50)}, p99 ${ms(s.latency.p99)}, ` +
    `errors ${(s.errorRate * 100).toFixed(2)} % — ${step.passed ? 'pass' : step.reasons.join('; ')}`
  );
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let options: ReturnType<typeof parseCli>;
  try {
    options = parseCli(argv, env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const say = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  const bar = options.quiet ? undefined : createSeedProgressBar();
  const social = options.config.social && {
    ...options.config.social,
    onProgress: bar?.update,
    log: (line: string) => {
      bar?.stop();
      say(line);
    },
  };
  try {
    if (options.command === 'seed') {
      if (!social || options.config.url === undefined) throw new RangeError('seed needs a --target and a --graph');
      await mkdir(dirname(social.statePath), { recursive: true });
      const population = await preparePopulation(options.config.url, social);
      await population.close();
      say(`wrote ${social.statePath}`);
      return 0;
    }
    if (social) await mkdir(dirname(social.statePath), { recursive: true });
    const report = await runBenchmark({
      ...options.config,
      social,
      onSecond: (point, inFlight) => say(progressLine(point, inFlight)),
      onStep: (step, label) => say(stepLine(step, label)),
      log: say,
    });
    const files = await writeReport(report, options.out);
    process.stdout.write(renderMarkdown(report));
    say(`\nwrote ${files.json}\n      ${files.markdown}\n      ${files.svg}`);

    if (report.findMax && report.findMax.maxSustainedRate === null) {
      say('no step met the objective');
      return 1;
    }
    if (report.result.errorRate > options.maxErrorRate) {
      say(
        `error rate ${(report.result.errorRate * 100).toFixed(2)} % is above --max-error-rate ${options.maxErrorRate * 100} %`,
      );
      return 1;
    }
    return 0;
  } finally {
    bar?.stop();
  }
}

// Run only when executed, not when imported (tests import main()).
if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
