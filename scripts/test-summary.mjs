// Prints the workspace-wide closing line of `npm test` from every package's .jest-results.json
// (written by tooling/jest/summary-reporter.js). Exits non-zero if any test or suite failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const total = { passed: 0, failed: 0, skipped: 0, suitesFailed: 0, packages: 0 };
for (const group of ['packages', 'services', 'tooling']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, '.jest-results.json');
    if (!existsSync(file)) continue;
    const result = JSON.parse(readFileSync(file, 'utf8'));
    for (const key of ['passed', 'failed', 'skipped', 'suitesFailed']) total[key] += result[key];
    total.packages += 1;
  }
}
console.log(`\n${total.packages} packages tested`);
console.log(
  `tests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
);
process.exit(total.failed > 0 || total.suitesFailed > 0 || total.passed === 0 ? 1 : 0);
