import { describe, expect, it } from '@jest/globals';
import { Value } from 'typebox/value';
import { createEvent } from '../src/events.ts';
import { USER_EVENT_SOURCE, UserEvents, UserEventType } from '../src/user-events.ts';
import { Username } from '../src/users.ts';

describe('user event catalog', () => {
  it('accepts an event built with createEvent and rejects one with the wrong data', () => {
    const followed = createEvent({
      type: UserEventType.followed,
      source: USER_EVENT_SOURCE,
      subject: '42',
      data: { followerId: '42', followeeId: '9007199254740993' },
    });
    expect(Value.Check(UserEvents[UserEventType.followed], followed)).toBe(true);
    expect(Value.Check(UserEvents[UserEventType.followed], { ...followed, data: { followerId: 42 } })).toBe(false);
  });

  it('every event type lives on the USERS stream subjects', () => {
    for (const type of Object.keys(UserEvents)) expect(type).toMatch(/^user\./);
  });
});

describe('usernames', () => {
  it('allow 3–30 letters, digits, "_" and "." only', () => {
    for (const good of ['bob', 'a.b_c', 'X'.repeat(30), 'user123']) expect(Value.Check(Username, good)).toBe(true);
    for (const bad of ['ab', 'X'.repeat(31), 'has space', 'émile', 'a-b', 'bob!']) {
      expect(Value.Check(Username, bad)).toBe(false);
    }
  });
});
