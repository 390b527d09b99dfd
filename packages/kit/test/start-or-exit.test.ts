import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ConflictError } from '@scalegram/contracts/errors';
import { ConfigError } from '../src/config.ts';
import { EXIT_CONFIGURATION, isConfigurationProblem } from '../src/start-or-exit.ts';

const MODULE = fileURLToPath(new URL('../src/start-or-exit.ts', import.meta.url));
const CONFIG = fileURLToPath(new URL('../src/config.ts', import.meta.url));

/** A process that starts through startOrExit and fails with `error` (an expression). */
function startFailingWith(error: string) {
  const { NODE_OPTIONS: _jestOnly, ...env } = process.env;
  const script = `
    const { startOrExit } = await import(${JSON.stringify(MODULE)});
    const { ConfigError } = await import(${JSON.stringify(CONFIG)});
    await startOrExit('demo', async () => { throw ${error}; });`;
  return spawnSync(process.execPath, ['--conditions=@scalegram/source', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env,
  });
}

describe('startOrExit', () => {
  it('tells the problems a restart cannot fix from the ones it might', () => {
    expect(isConfigurationProblem(new ConfigError(['PORT is required but not set']))).toBe(true);
    expect(isConfigurationProblem(new ConflictError('taken', { code: 'stream-subjects-taken' }))).toBe(true);
    expect(isConfigurationProblem(new ConflictError('other', { code: 'broker-config-conflict' }))).toBe(false);
    expect(isConfigurationProblem(new Error('ECONNREFUSED'))).toBe(false);
  });

  it('exits 78 with one fatal JSON line for a configuration problem', () => {
    const result = startFailingWith("new ConfigError(['JWKS_URL is required but not set'])");
    expect(result.status).toBe(EXIT_CONFIGURATION);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'fatal',
      service: 'demo',
      msg: expect.stringContaining('cannot start: Invalid configuration:\n  - JWKS_URL is required but not set'),
    });
  }, 30_000);

  it('lets any other error fail as usual', () => {
    const result = startFailingWith("new Error('ECONNREFUSED')");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ECONNREFUSED');
  }, 30_000);
});
