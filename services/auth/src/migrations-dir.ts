import { fileURLToPath } from 'node:url';

/** The service's SQL migrations (applied by server.ts, tests and the embedded runner). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
