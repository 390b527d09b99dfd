// Human durations on the command line: "250ms", "10s", "2m", "1.5s". A bare number is seconds, as in
// wrk and k6.
const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new RangeError(`not a duration: "${text}" (use e.g. 250ms, 10s, 2m)`);
  return Number(match[1]) * (UNITS[match[2] ?? 's'] as number);
}
