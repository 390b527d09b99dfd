import { describe, expect, it } from '@jest/globals';
import { checkTarget, TargetNotAllowedError } from '../src/engine/target-guard.ts';

describe('target guard', () => {
  it('accepts loopback targets', () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://127.0.0.2/', 'http://localhost:3000', 'http://[::1]:80/']) {
      expect(checkTarget(url).href).toBe(new URL(url).href);
    }
  });

  it('refuses any other host unless it is explicitly allowed', () => {
    for (const url of ['http://10.0.0.1/', 'http://example.com/', 'http://gateway:8080/', 'http://128.0.0.1/']) {
      expect(() => checkTarget(url)).toThrow(TargetNotAllowedError);
    }
    expect(checkTarget('http://gateway:8080/', ['gateway']).hostname).toBe('gateway');
    expect(() => checkTarget('http://gateway2:8080/', ['gateway'])).toThrow(TargetNotAllowedError);
  });

  it('refuses non-HTTP schemes', () => {
    expect(() => checkTarget('ftp://127.0.0.1/')).toThrow(TargetNotAllowedError);
  });
});
