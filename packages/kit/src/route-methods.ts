// Which methods a path is served under, so that a request with another method gets 405 with `Allow`
// (RFC 9110 §15.5.6) instead of 404. Fastify answers both with its not-found handler and does not say
// which one it is (fastify/fastify#862), so every route is also recorded in a second router of the same
// kind (find-my-way, which Fastify itself uses), asked only when Fastify found nothing.
import type { RouteOptions } from 'fastify';
import FindMyWay from 'find-my-way';

type RouterMethod = Parameters<ReturnType<typeof FindMyWay>['find']>[0];

export interface RouteMethods {
  /** An `onRoute` hook: records the route's methods and path. */
  record(route: RouteOptions): void;
  /** The methods the path is served under, sorted; empty when no route matches it at all. */
  allowed(path: string): string[];
}

export function createRouteMethods(options: { maxParamLength?: number } = {}): RouteMethods {
  const router = FindMyWay({ maxParamLength: options.maxParamLength ?? 100 });
  const methods = new Set<RouterMethod>();
  const noop = () => undefined;
  return {
    record(route) {
      const routeMethods = (Array.isArray(route.method) ? route.method : [route.method]) as RouterMethod[];
      for (const method of routeMethods) {
        // The same method and path twice happens with constraints (versions, hosts): one entry is enough.
        if (router.hasRoute(method, route.url)) continue;
        try {
          router.on(method, route.url, noop);
          methods.add(method);
        } catch {
          // Fastify accepted the route; a path this router cannot hold only means no 405 for it (404 stays).
        }
      }
    },
    allowed(path) {
      return [...methods].filter((method) => router.find(method, path) !== null).sort();
    },
  };
}
