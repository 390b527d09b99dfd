import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@scalegram/kit/config';
import { corsOrigins, loadGatewayConfig, trustProxyOption } from '../src/config.ts';
import { upstreamSettings } from '../src/service.ts';

const required = {
  AUTH_SERVICE_URL: 'http://auth:3000',
  USER_SERVICE_URL: 'http://user:3000',
  JWKS_URL: 'http://auth:3000/.well-known/jwks.json',
};

describe('gateway configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadGatewayConfig(required);
    expect(config).toMatchObject({
      PORT: 8080,
      RATE_LIMIT_ENABLED: true,
      RATE_LIMIT_MAX: 50,
      RATE_LIMIT_WINDOW_MS: 60_000,
      RATE_LIMIT_FAIL_OPEN: true,
      AUTH_ISSUER: 'scalegram-auth',
      AUTH_AUDIENCE: 'scalegram',
      TRUST_PROXY: 'false',
    });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.CORS_ORIGINS).toBeUndefined();
    expect(config.METRICS_PORT).toBeUndefined();
    expect(loadGatewayConfig({ ...required, METRICS_PORT: '9090' }).METRICS_PORT).toBe(9090);
  });

  it('coerces switches and numbers', () => {
    const config = loadGatewayConfig({ ...required, RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_MAX: '7' });
    expect(config.RATE_LIMIT_ENABLED).toBe(false);
    expect(config.RATE_LIMIT_MAX).toBe(7);
  });

  it('names every missing or invalid variable at once', () => {
    try {
      loadGatewayConfig({ USER_SERVICE_URL: 'not a url', RATE_LIMIT_MAX: '0' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as ConfigError).problems.join('\n');
      for (const name of ['AUTH_SERVICE_URL', 'JWKS_URL', 'USER_SERVICE_URL', 'RATE_LIMIT_MAX']) {
        expect(text).toContain(name);
      }
    }
  });

  it('parses TRUST_PROXY and CORS_ORIGINS', () => {
    expect(trustProxyOption('false')).toBe(false);
    expect(trustProxyOption('0')).toBe(false);
    expect(trustProxyOption('1')).toBe(1);
    expect(trustProxyOption('10.0.0.0/8, 127.0.0.1')).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(trustProxyOption('uniquelocal')).toEqual(['uniquelocal']);
    expect(corsOrigins(undefined)).toEqual([]);
    expect(corsOrigins('https://a.example, https://b.example')).toEqual(['https://a.example', 'https://b.example']);
  });

  it('refuses TRUST_PROXY=true, which lets a client choose its own address, and anything unparseable', () => {
    for (const value of ['true', ' true ']) {
      expect(() => loadGatewayConfig({ ...required, TRUST_PROXY: value })).toThrow(/hop|number of proxies/);
    }
    try {
      loadGatewayConfig({ ...required, TRUST_PROXY: 'true', RATE_LIMIT_MAX: '0' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      // Listed with the other problems, not instead of them.
      expect((error as ConfigError).problems).toHaveLength(2);
    }
    expect(() => loadGatewayConfig({ ...required, TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(loadGatewayConfig({ ...required, TRUST_PROXY: '1' }).TRUST_PROXY).toBe('1');
    expect(loadGatewayConfig({ ...required, TRUST_PROXY: '10.0.0.0/8,fd00::/8' }).TRUST_PROXY).toBe(
      '10.0.0.0/8,fd00::/8',
    );
  });

  it('accepts a comma-separated list of replicas for any upstream, and leaves unset ones out', () => {
    const config = loadGatewayConfig({
      ...required,
      NOTIFICATION_SERVICE_URL: 'http://127.0.0.1:3009, http://127.0.0.1:3019',
      FEED_SERVICE_URL: 'http://feed:3000',
    });
    const settings = upstreamSettings(config);
    expect(settings.map((upstream) => upstream.name)).toEqual(['auth', 'user', 'feed', 'notification']);
    expect(settings.find((upstream) => upstream.name === 'notification')?.baseUrls).toEqual([
      'http://127.0.0.1:3009',
      'http://127.0.0.1:3019',
    ]);
    for (const bad of ['http://a:1,', 'http://a:1,,http://b:2', 'http://a:1, ftp://b:2']) {
      expect(() => loadGatewayConfig({ ...required, SEARCH_SERVICE_URL: bad })).toThrow(ConfigError);
    }
  });
});
