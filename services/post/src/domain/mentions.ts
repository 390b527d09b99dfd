// `@username` mentions for the notification service: the same alphabet as usernames (contracts), 3–30
// characters, not glued to a preceding word character (so "me@example.com" mentions nobody).
const MENTION = /(?<![A-Za-z0-9_.@])@([A-Za-z0-9_.]{3,30})(?![A-Za-z0-9_])/g;

export const MAX_MENTIONS = 20;

/** Lower-cased (usernames are unique case-insensitively), de-duplicated, in order of appearance, ≤ 20. */
export function parseMentions(text: string): string[] {
  const mentions = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    // A trailing dot ends the sentence, not the username ("thanks @ana.").
    const name = (match[1] as string).replace(/\.+$/, '').toLowerCase();
    if (name.length >= 3) mentions.add(name);
    if (mentions.size === MAX_MENTIONS) break;
  }
  return [...mentions];
}
