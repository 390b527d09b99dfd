// Keeps the public OpenAPI document: fetches each upstream's /openapi.json (served by the kit), keeps
// the last good copy of each, and merges them (domain/openapi-merge.ts). Refreshed on a timer and on
// demand (a request for the document after the refresh interval rebuilds it first). An upstream that
// cannot be reached keeps its last good document; one never reached is left out and named in
// info.description, so the page says what is missing instead of silently showing less.
import type { FastifyBaseLogger } from 'fastify';
import { mergeOpenApiDocuments, type OpenApiDocument } from '../domain/openapi-merge.ts';
import type { RouteTable } from '../domain/route-table.ts';
import type { Upstream } from '../upstreams.ts';

export interface OpenApiAggregatorOptions {
  clients: ReadonlyMap<string, Upstream>;
  routes: RouteTable;
  title: string;
  version: string;
  description: string;
  refreshMs: number;
  logger: FastifyBaseLogger;
  /** The gateway's own document (its composed routes), merged in first. */
  own?: () => OpenApiDocument;
}

export interface OpenApiAggregator {
  /** The merged document as of the last refresh. */
  document(): OpenApiDocument;
  /** Fetches every upstream's document now (concurrent calls share one refresh). */
  refresh(): Promise<void>;
  /** Refreshes first if the last refresh is older than the interval, or one is already running. */
  refreshIfStale(): Promise<void>;
  start(): void;
  stop(): void;
}

/** How soon a request for the document retries upstreams that have never answered. */
const MISSING_RETRY_MS = 2_000;

export function createOpenApiAggregator(options: OpenApiAggregatorOptions): OpenApiAggregator {
  const lastGood = new Map<string, OpenApiDocument>();
  let merged: OpenApiDocument | undefined;
  let inFlight: Promise<void> | undefined;
  let refreshedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const upstreams = [...new Set(options.routes.entries.map((entry) => entry.upstream))];

  function rebuild(): OpenApiDocument {
    merged = mergeOpenApiDocuments({
      title: options.title,
      version: options.version,
      description: options.description,
      routes: options.routes,
      documents: upstreams.flatMap((upstream) => {
        const document = lastGood.get(upstream);
        return document ? [{ upstream, document }] : [];
      }),
      missing: upstreams.filter((upstream) => !lastGood.has(upstream)),
      ...(options.own ? { own: options.own() } : {}),
    });
    return merged;
  }

  async function fetchAll(): Promise<void> {
    await Promise.all(
      upstreams.map(async (upstream) => {
        const client = options.clients.get(upstream);
        if (!client) return;
        try {
          const document = await client.get<OpenApiDocument>('/openapi.json');
          if (typeof document === 'object' && document !== null) lastGood.set(upstream, document);
        } catch (error) {
          // The message is enough (refused, timed out, circuit open); a stack trace every interval is noise.
          const reason = error instanceof Error ? error.message : String(error);
          options.logger.warn({ upstream, reason }, 'could not refresh the OpenAPI document of an upstream');
        }
      }),
    );
    refreshedAt = Date.now();
    rebuild();
  }

  const aggregator: OpenApiAggregator = {
    document: () => merged ?? rebuild(),
    refresh() {
      inFlight ??= fetchAll().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    async refreshIfStale() {
      if (inFlight) return inFlight;
      // While an upstream has never answered (typically: the gateway started first), a reader asking
      // for the document retries it after a few seconds instead of waiting out the full interval.
      const missing = upstreams.some((upstream) => !lastGood.has(upstream));
      const maxAge = missing ? Math.min(options.refreshMs, MISSING_RETRY_MS) : options.refreshMs;
      if (Date.now() - refreshedAt >= maxAge) return aggregator.refresh();
    },
    start() {
      void aggregator.refresh();
      timer = setInterval(() => void aggregator.refresh(), options.refreshMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
  return aggregator;
}
