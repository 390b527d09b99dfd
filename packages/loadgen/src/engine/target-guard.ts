// A load generator is a traffic cannon: it must only ever point at what its operator meant. Targets are
// loopback addresses unless a host is named explicitly (e.g. `--allow-host gateway` for an in-cluster Job).
// The tool never expands ranges, resolves wildcards or discovers hosts.
import { isIP } from 'node:net';

export class TargetNotAllowedError extends Error {
  override name = 'TargetNotAllowedError';
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** Parses and checks a target URL; throws TargetNotAllowedError for a host that is neither loopback nor allowed. */
export function checkTarget(url: string | URL, allowedHosts: readonly string[] = []): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TargetNotAllowedError(`only http and https targets are supported, got ${parsed.protocol}`);
  }
  const allowed = allowedHosts.map((host) => host.toLowerCase());
  if (!isLoopback(parsed.hostname) && !allowed.includes(parsed.hostname.toLowerCase())) {
    throw new TargetNotAllowedError(
      `refusing to send load to ${parsed.hostname}: only loopback targets are allowed unless the host is named ` +
        'with --allow-host',
    );
  }
  return parsed;
}
