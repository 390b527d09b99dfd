// Shared Jest configuration: TypeScript through SWC, native ES modules (Jest runs with
// --experimental-vm-modules), and workspace packages resolved to their TypeScript sources
// through the "@scalegram/source" export condition, so tests never need a build first.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** @param {import('jest').Config} overrides */
export function jestConfig(overrides = {}) {
  return {
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
    extensionsToTreatAsEsm: ['.ts'],
    moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'node'],
    transform: {
      '^.+\\.ts$': [
        require.resolve('@swc/jest'),
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2024' },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    testEnvironmentOptions: {
      customExportConditions: ['@scalegram/source', 'node', 'node-addons'],
    },
    // Integration tests talk to real servers; give them room, but not forever.
    testTimeout: 30_000,
    reporters: ['default', require.resolve('./summary-reporter.js')],
    ...overrides,
  };
}
