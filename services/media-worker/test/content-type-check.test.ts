import { describe, expect, it } from '@jest/globals';
import { checkDetectedType } from '../src/domain/content-type-check.ts';
import { MediaRejectedError } from '../src/domain/failure-reason.ts';

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof MediaRejectedError ? error.reason : 'other';
  }
}

describe('checkDetectedType', () => {
  it('accepts a detected type equal to the declared one', () => {
    expect(checkDetectedType('image', 'image/png', 'image/png')).toBe('image/png');
    expect(checkDetectedType('video', 'video/quicktime', 'video/quicktime')).toBe('video/quicktime');
  });

  it('names content that matches no signature', () => {
    expect(reasonOf(() => checkDetectedType('image', 'image/jpeg', undefined))).toBe('unrecognised-content');
  });

  it('refuses a supported type other than the declared one', () => {
    expect(reasonOf(() => checkDetectedType('image', 'image/jpeg', 'image/png'))).toBe('type-mismatch');
  });

  it('refuses formats outside the allow-list, and formats of the other kind', () => {
    expect(reasonOf(() => checkDetectedType('image', 'image/jpeg', 'application/pdf'))).toBe('unsupported-type');
    expect(reasonOf(() => checkDetectedType('image', 'image/heic', 'image/heic'))).toBe('unsupported-type');
    expect(reasonOf(() => checkDetectedType('image', 'image/jpeg', 'video/mp4'))).toBe('unsupported-type');
  });
});
