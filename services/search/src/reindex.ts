// Rebuilds the search index from the post service without interrupting searches (ADR 0026):
//
//   pnpm --filter @scalegram/search-service reindex
//
// with the service's configuration plus POST_SERVICE_URL, AUTH_URL and SERVICE_CLIENT_ID/SECRET (a client
// of auth's client-credentials grant allowed `posts:read`). Run it as a one-off Kubernetes Job, one at a
// time, while the search service keeps running; with the embedded index (no QDRANT_URL) the index
// directory belongs to one process, so stop the service first. Progress and the result go to stdout as
// JSON lines; the exit code is 0 on success, 1 on failure, 2 on a bad configuration.
import { ConfigError } from '@scalegram/kit/config';
import { loadReindexConfig } from './config.ts';
import { runReindex } from './reindex/run-reindex.ts';

const line = (record: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(record)}\n`);

try {
  const config = loadReindexConfig();
  const started = Date.now();
  const result = await runReindex(config, (progress) => line({ msg: 're-index page', ...progress }));
  line({ msg: 're-index done', ...result, ms: Date.now() - started });
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `re-index failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
  );
  process.exit(1);
}
