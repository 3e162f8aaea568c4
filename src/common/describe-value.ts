/**
 * How a refused value is named in an error message ("got an object", "got number 9", "got \"xx\""): short,
 * and never the whole value (a payload can be megabytes).
 */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return `"${x.length > 40 ? `${x.slice(0, 40)}…` : x}"`;
  if (typeof x === 'object') return 'an object';
  return `${typeof x} ${String(x)}`;
}
