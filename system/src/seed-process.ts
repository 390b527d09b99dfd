// The demo seeding as a process of its own: a client of the system like any other. Seeding generates
// images and holds every seeded session; in its own process that work runs on another core and its
// memory is returned when it exits, instead of staying in the system's process.
//   node --conditions=@scalegram/source system/src/seed-process.ts <gateway URL> <data directory>
import { seedDemoData } from './demo-seed.ts';

const [gatewayUrl, dataDir] = process.argv.slice(2);
if (gatewayUrl === undefined || dataDir === undefined) {
  process.stderr.write('usage: seed-process.ts <gateway URL> <data directory>\n');
  process.exit(2);
}
try {
  await seedDemoData({ gatewayUrl, dataDir });
} catch (error) {
  process.stderr.write(`seeding failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
