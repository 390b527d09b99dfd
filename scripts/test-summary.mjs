// Prints the workspace-wide closing line of `npm test` from every package's .jest-results.json
// (written by tooling/jest/summary-reporter.js). Exits non-zero if any test or suite failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const total = { passed: 0, failed: 0, skipped: 0, suitesFailed: 0, packages: 0 };
// The workspace's packages, from pnpm-workspace.yaml: `group/*` entries and single folders alike.
const workspace = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
const entries = [...workspace.split('\ncatalog:')[0].matchAll(/^\s+-\s+(\S+)\s*$/gm)].map((match) => match[1]);
const packageDirs = entries.flatMap((entry) => {
  if (!entry.endsWith('/*')) return [join(root, entry)];
  const dir = join(root, entry.slice(0, -2));
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
});
for (const dir of packageDirs) {
  const file = join(dir, '.jest-results.json');
  if (!existsSync(file)) continue;
  const result = JSON.parse(readFileSync(file, 'utf8'));
  for (const key of ['passed', 'failed', 'skipped', 'suitesFailed']) total[key] += result[key];
  total.packages += 1;
}
console.log(`\n${total.packages} packages tested`);
console.log(
  `tests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
);
process.exit(total.failed > 0 || total.suitesFailed > 0 || total.passed === 0 ? 1 : 0);
