import { describe, expect, it } from '@jest/globals';
import { redeliveryDelayMs } from '../src/backoff.ts';
import { subjectMatches, subjectsOverlap } from '../src/subject-match.ts';

describe('NATS subject matching', () => {
  it.each([
    ['post.created', 'post.created', true],
    ['post.created', 'post.deleted', false],
    ['post.*', 'post.created', true],
    ['post.*', 'post.created.v2', false],
    ['*.created', 'post.created', true],
    ['post.>', 'post.created.v2', true],
    ['post.>', 'post', false],
    ['>', 'anything.at.all', true],
    ['post.*.x', 'post.a.x', true],
    ['post.*.x', 'post.a', false],
    ['post.created', 'post.created.v2', false],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});

describe('stream subject overlap', () => {
  it.each([
    ['post.>', 'post.created', true],
    ['post.*', 'post.created', true],
    ['post.*', 'post.created.v2', false],
    ['post.>', 'user.>', false],
    ['*.created', 'post.*', true],
    ['post', 'post.>', false],
    ['>', 'a', true],
  ])('%s and %s overlap: %s', (a, b, expected) => {
    expect([subjectsOverlap(a, b), subjectsOverlap(b, a)]).toEqual([expected, expected]);
  });
});

describe('redelivery back-off', () => {
  it('follows an explicit schedule, repeating its last step', () => {
    expect([1, 2, 3, 4].map((n) => redeliveryDelayMs(n, [100, 500, 2_000]))).toEqual([100, 500, 2_000, 2_000]);
  });

  it('doubles from one second without a schedule, capped at a minute', () => {
    expect([1, 2, 3, 7, 20].map((n) => redeliveryDelayMs(n, undefined))).toEqual([1_000, 2_000, 4_000, 60_000, 60_000]);
  });
});
