// Lints the public OpenAPI document the way its readers would: Redocly's `recommended` ruleset
// (@redocly/openapi-core is the engine of `redocly lint`) and Spectral's `spectral:oas` (the engine and
// ruleset of `spectral lint`), both from installed packages, so no network at test time. The rule
// settings live in redocly.yaml and .spectral.yaml at the repository root, where both CLIs find them
// too; each exception there says why.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createConfig, lintFromString } from '@redocly/openapi-core';
// CommonJS packages: their named exports are not visible to ESM's static analysis, so through default.
import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import spectralRulesets from '@stoplight/spectral-rulesets';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface LintFinding {
  linter: 'redocly' | 'spectral';
  severity: 'error' | 'warning';
  rule: string;
  message: string;
  where: string;
}

export async function redoclyFindings(document: unknown): Promise<LintFinding[]> {
  const raw = parse(await readFile(`${ROOT}redocly.yaml`, 'utf8'));
  const config = await createConfig(raw, { configPath: `${ROOT}redocly.yaml` });
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
  return problems
    .filter((problem) => problem.severity === 'error' || problem.severity === 'warn')
    .map((problem) => ({
      linter: 'redocly',
      severity: problem.severity === 'error' ? 'error' : 'warning',
      rule: problem.ruleId,
      message: problem.message,
      where: problem.location[0]?.pointer ?? '',
    }));
}

export async function spectralFindings(document: unknown): Promise<LintFinding[]> {
  const settings = parse(await readFile(`${ROOT}.spectral.yaml`, 'utf8')) as { rules?: Record<string, unknown> };
  const spectral = new spectralCore.Spectral();
  // .spectral.yaml says `extends: [[spectral:oas, recommended]]`; the rule overrides are applied as written.
  spectral.setRuleset({
    extends: [[spectralRulesets.oas as never, 'recommended']],
    rules: (settings.rules ?? {}) as never,
  });
  const results = await spectral.run(
    new spectralCore.Document(JSON.stringify(document, null, 2), spectralParsers.Json),
  );
  // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
  return results
    .filter((result) => result.severity <= 1)
    .map((result) => ({
      linter: 'spectral',
      severity: result.severity === 0 ? 'error' : 'warning',
      rule: String(result.code),
      message: result.message,
      where: `#/${result.path.join('/')}`,
    }));
}
