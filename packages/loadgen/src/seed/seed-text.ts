// Seeded post and comment text: short sentences from a small vocabulary, sometimes with a hashtag, so
// that search has words to index and every text is valid for the post service (≤ 255 characters).
import type { Rng } from '../rng.ts';

const SUBJECTS = [
  'the sunrise',
  'my coffee',
  'this city',
  'the old bridge',
  'our team',
  'the garden',
  'a quiet street',
  'the lake',
  'my bike',
  'the market',
  'this recipe',
  'the mountains',
  'a new book',
  'the concert',
  'the harbour',
  'my dog',
];
const VERBS = ['looks', 'feels', 'seems', 'was', 'is'];
const ADJECTIVES = [
  'amazing',
  'calm',
  'bright',
  'golden',
  'busy',
  'perfect',
  'unreal',
  'cozy',
  'wild',
  'gentle',
  'electric',
  'misty',
];
const CLOSERS = ['today', 'this morning', 'again', 'after the rain', 'at last', 'as always', 'tonight', 'this weekend'];
const TAGS = ['#photo', '#travel', '#food', '#weekend', '#nature', '#city', '#music', '#sunset', '#coffee', '#friends'];
const REACTIONS = [
  'Love this!',
  'So good.',
  'Wow',
  'Beautiful shot',
  'Where is this?',
  'Need to go there',
  'Great one',
  'Haha, yes',
  'Same here',
  'Stunning colours',
];

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)] as T;

function sentence(rng: Rng): string {
  const text = `${pick(rng, SUBJECTS)} ${pick(rng, VERBS)} ${pick(rng, ADJECTIVES)} ${pick(rng, CLOSERS)}`;
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** One to three sentences and up to two hashtags; always 1–255 characters. */
export function postText(rng: Rng): string {
  const parts: string[] = [];
  const sentences = 1 + rng.int(3);
  for (let i = 0; i < sentences; i++) parts.push(sentence(rng));
  const tags = rng.int(3);
  for (let i = 0; i < tags; i++) parts.push(pick(rng, TAGS));
  return parts.join(' ').slice(0, 255);
}

export function commentText(rng: Rng): string {
  return rng.next() < 0.5 ? pick(rng, REACTIONS) : `${pick(rng, REACTIONS)} ${sentence(rng)}`;
}
