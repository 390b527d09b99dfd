// The features the hashing embedder counts in a text. Each feature is a short string with a family
// prefix, so that the word "art" and the character gram "art" are different features.
//
//   w:<word>            every word                       "w:tomato"
//   b:<word> <word>     every pair of adjacent words     "b:tomato sauce"
//   c:<gram>            character 3- to 5-grams of each word with < and > marking its start and end:
//                       "<to", "tom", "oma", …, "<tom", …, "ato>"
//
// Words match through their own feature; the character grams let related forms ("garden", "gardening",
// "gardeners") and typos share most of their features, which plain words cannot; bigrams keep a little
// word order ("black hole" is not "hole" plus "black").
//
// English function words ("the", "with", "my") are dropped first (see stop-words.ts), and bigrams pair
// the remaining neighbours, so "tomato and basil sauce" yields "tomato basil" and "basil sauce". A text
// made only of function words keeps them all, so that it still has a direction.
import { STOP_WORDS } from './stop-words.ts';

/** Unicode letters, combining marks (needed for scripts like Devanagari) and digits. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const MIN_GRAM = 3;
const MAX_GRAM = 5;

export type FeatureFamily = 'word' | 'bigram' | 'char';

/** NFKC folds compatibility forms (full-width letters, ligatures, "①") onto plain ones before lowercasing. */
export function words(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
}

/** Counts every feature of `text`, per family. */
export function countFeatures(text: string): Map<string, { family: FeatureFamily; count: number }> {
  const counts = new Map<string, { family: FeatureFamily; count: number }>();
  const add = (feature: string, family: FeatureFamily) => {
    const entry = counts.get(feature);
    if (entry === undefined) counts.set(feature, { family, count: 1 });
    else entry.count++;
  };
  const all = words(text);
  const content = all.filter((word) => !STOP_WORDS.has(word));
  const tokens = content.length > 0 ? content : all;
  tokens.forEach((word, i) => {
    add(`w:${word}`, 'word');
    const next = tokens[i + 1];
    if (next !== undefined) add(`b:${word} ${next}`, 'bigram');
    // Code points, not UTF-16 units, so that a gram never splits an astral character in half.
    const chars = ['<', ...word, '>'];
    for (let n = MIN_GRAM; n <= MAX_GRAM; n++) {
      for (let start = 0; start + n <= chars.length; start++)
        add(`c:${chars.slice(start, start + n).join('')}`, 'char');
    }
  });
  return counts;
}
