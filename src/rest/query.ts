/**
 * A query string from defined values (`?a=1&b=x`), or '' when there are none.
 *
 * @example
 * query({ after: '0', limit: 100, cookie: undefined }); // '?after=0&limit=100'
 */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const pairs = Object.entries(params).filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined);
  return pairs.length === 0 ? '' : `?${new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}
