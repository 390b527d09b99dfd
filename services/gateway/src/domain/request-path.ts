// What the gateway refuses to forward. Paths go upstream byte for byte, so anything another HTTP
// implementation might normalise differently than we matched it (dot segments, encoded slashes or
// dots, backslashes, empty segments) is refused: `/api/v1/users/..%2f..%2finternal/users/1` must
// never turn into an internal route behind the gateway's back.

const UNSAFE = /%2f|%5c|%2e|%00|\\/i;

/** The path of a request URL, without the query string. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

export function isForwardablePath(path: string): boolean {
  if (!path.startsWith('/') || UNSAFE.test(path)) return false;
  const segments = path.slice(1).split('/');
  // A trailing slash is an empty last segment: allowed. Empty segments elsewhere (`//`) are not.
  return segments.every(
    (segment, index) => segment !== '.' && segment !== '..' && (segment !== '' || index === segments.length - 1),
  );
}
