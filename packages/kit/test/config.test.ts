import { describe, expect, it } from '@jest/globals';
import Type from 'typebox';
import { BaseConfig, ConfigError, loadConfig } from '../src/config.ts';

const Schema = Type.Object({
  ...BaseConfig,
  DATABASE_URL: Type.String({ minLength: 1 }),
  CACHE_ENABLED: Type.Boolean({ default: false }),
  FEED_CAP: Type.Integer({ minimum: 1, default: 800 }),
});

describe('loadConfig', () => {
  it('applies defaults and coerces numbers and booleans', () => {
    const config = loadConfig(Schema, { DATABASE_URL: 'postgres://db', CACHE_ENABLED: 'true', PORT: '8080' });
    expect(config).toEqual({
      PORT: 8080,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: 25_000,
      NAMESPACE: 'scalegram',
      DATABASE_URL: 'postgres://db',
      CACHE_ENABLED: true,
      FEED_CAP: 800,
    });
  });

  it('ignores variables the schema does not name', () => {
    const config = loadConfig(Schema, { DATABASE_URL: 'x', PATH: '/usr/bin', HOME: '/root' });
    expect(Object.keys(config)).not.toContain('PATH');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(Schema, { DATABASE_URL: 'x', PORT: '' }).PORT).toBe(3000);
    expect(() => loadConfig(Schema, { DATABASE_URL: '' })).toThrow(/DATABASE_URL is required/);
  });

  it('reports every missing and invalid variable at once, without echoing values', () => {
    let caught: unknown;
    try {
      loadConfig(Schema, { PORT: 'eighty', LOG_LEVEL: 'loud', FEED_CAP: '0', CACHE_ENABLED: 'maybe-secret' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.problems).toHaveLength(5);
    for (const name of ['CACHE_ENABLED', 'DATABASE_URL', 'FEED_CAP', 'LOG_LEVEL', 'PORT']) {
      expect(error.message).toContain(name);
    }
    expect(error.message).toContain('DATABASE_URL is required but not set');
    expect(error.message).not.toContain('maybe-secret');
  });

  it('takes a namespace that is valid in every name it becomes part of, and refuses others', () => {
    expect(loadConfig(Schema, { DATABASE_URL: 'x', NAMESPACE: 'team-b2' }).NAMESPACE).toBe('team-b2');
    for (const bad of ['Team', 'a_b', 'a.b', 'a:b', '-a', 'a-', '2a', 'x'.repeat(25)]) {
      expect(() => loadConfig(Schema, { DATABASE_URL: 'x', NAMESPACE: bad })).toThrow(/NAMESPACE/);
    }
  });
});
