// The demo seeding as a process of its own: a client of the system like any other. Seeding generates
// images and holds every seeded session; in its own process that work runs on another core and its
// memory is returned when it exits, instead of staying in the system's process.
//   node --conditions=@scalegram/source system/src/seed-process.ts <gateway URL> <data directory> [<auth URL> <user URL>]
// With the auth and user services' URLs, the seeder also acts as the `seed` service client whose
// secret the system keeps in the data directory, and writes follows in bulk (ADR 0041).
import { seedDemoData } from './demo-seed.ts';
import { loadServiceClientSecrets } from './service-client-secrets.ts';

const [gatewayUrl, dataDir, authUrl, userUrl] = process.argv.slice(2);
if (gatewayUrl === undefined || dataDir === undefined) {
  process.stderr.write('usage: seed-process.ts <gateway URL> <data directory> [<auth URL> <user URL>]\n');
  process.exit(2);
}
try {
  const secret = authUrl && userUrl ? (await loadServiceClientSecrets(dataDir)).seed : undefined;
  await seedDemoData({
    gatewayUrl,
    dataDir,
    ...(secret === undefined
      ? {}
      : {
          internal: { authUrl: authUrl as string, userUrl: userUrl as string, clientId: 'seed', clientSecret: secret },
        }),
  });
} catch (error) {
  process.stderr.write(`seeding failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
