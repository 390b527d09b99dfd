// Pure rules: grapheme counting, the text rule, mentions, the request fingerprint and the media verdict.
import { describe, expect, it } from '@jest/globals';
import type { Media } from '@scalegram/contracts/media';
import { HttpProblem } from '@scalegram/kit/http-problem';
import { parseMentions } from '../src/domain/mentions.ts';
import { countGraphemes, normalizeText } from '../src/domain/post-text.ts';
import { requestFingerprint } from '../src/domain/request-fingerprint.ts';
import { mediaProblems } from '../src/media/media-checker.ts';

const FAMILY = '👩‍👩‍👧'; // 5 code points, 8 UTF-16 units, 1 grapheme

function problemOf(run: () => unknown): HttpProblem {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

describe('post text', () => {
  it('counts user-perceived characters, not UTF-16 units', () => {
    expect(FAMILY.length).toBe(8);
    expect(countGraphemes(FAMILY)).toBe(1);
    expect(countGraphemes('🇫🇷e\u0301a')).toBe(3); // flag, e + combining acute, a
  });

  it('accepts 255 graphemes of multi-unit emoji and refuses the 256th', () => {
    expect(normalizeText(FAMILY.repeat(100))).toBe(FAMILY.repeat(100));
    expect(normalizeText('x'.repeat(255))).toHaveLength(255);
    const problem = problemOf(() => normalizeText('x'.repeat(256)));
    expect(problem.status).toBe(400);
    expect(problem.extra).toEqual({
      errors: [{ field: '/body/text', message: 'must be at most 255 characters (got 256)' }],
    });
  });

  it('caps the UTF-8 size even when the grapheme count is small', () => {
    // 255 family emoji are 255 graphemes but 255 × 18 bytes of UTF-8.
    expect(problemOf(() => normalizeText(FAMILY.repeat(255))).detail).toMatch(/2000 bytes/);
  });

  it('normalises to NFC and refuses blank text', () => {
    expect(normalizeText('e\u0301')).toBe('é');
    expect(problemOf(() => normalizeText(' \n\t ')).extra).toEqual({
      errors: [{ field: '/body/text', message: 'must not be empty' }],
    });
  });
});

describe('mentions', () => {
  it('finds @usernames, lower-cased, de-duplicated, in order', () => {
    expect(parseMentions('hi @Ana and @bob_2, @ana again; mail me@example.com @x @dot.name.')).toEqual([
      'ana',
      'bob_2',
      'dot.name',
    ]);
  });

  it('keeps at most 20', () => {
    const text = Array.from({ length: 30 }, (_, i) => `@user${i}`).join(' ');
    expect(parseMentions(text)).toHaveLength(20);
    expect(parseMentions(text)[19]).toBe('user19');
  });
});

describe('request fingerprint', () => {
  it('ignores key order and differs on any value change', () => {
    const a = requestFingerprint({ text: 'x', mediaIds: ['1', '2'] });
    expect(requestFingerprint({ mediaIds: ['1', '2'], text: 'x' })).toBe(a);
    expect(requestFingerprint({ text: 'x', mediaIds: ['2', '1'] })).not.toBe(a);
    expect(requestFingerprint({ text: 'y', mediaIds: ['1', '2'] })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('media verdict', () => {
  const media = (id: string, ownerId: string, status: Media['status']): Media => ({
    id,
    ownerId,
    status,
    kind: 'image',
    contentType: 'image/png',
    size: 1,
    width: null,
    height: null,
    variants: {},
    createdAt: new Date(0).toISOString(),
  });

  it('names each unusable id by its position and reason', () => {
    const found = [media('1', '7', 'ready'), media('2', '8', 'ready'), media('3', '7', 'processing')];
    expect(mediaProblems('7', ['1', '2', '3', '4'], found)).toEqual([
      { field: '/body/mediaIds/1', message: 'not yours' },
      { field: '/body/mediaIds/2', message: 'not ready (processing)' },
      { field: '/body/mediaIds/3', message: 'not found' },
    ]);
    expect(mediaProblems('7', ['1'], found)).toEqual([]);
  });
});
