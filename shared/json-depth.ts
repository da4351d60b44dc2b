/**
 * How deep a request body may nest (docs/library-api.md §1: deeper than 64 levels is BAD_REQUEST).
 * Validators, canonical JSON and the zod schemas all recurse once per level, so a body nested a
 * few thousand deep overflows the stack; these checks run before any of them and never recurse.
 */

/** The deepest nesting of arrays and objects a request body may have: `{}` is one level, `{"a":[]}` two. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests arrays and objects deeper than `max`, judged from the text alone,
 * before (and without) parsing it: brackets inside strings do not count. It only judges the
 * nesting, so it answers for malformed text too (the parser refuses that afterwards).
 */
export function jsonTextTooDeep(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      // Skip the string in one jump per quote: evidence is megabytes of base64 with no quote in it.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return false;
        let backslashes = 0;
        for (let k = end - 1; k > i && text.charCodeAt(k) === 0x5c; k--) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      i = end;
    } else if (code === 0x7b || code === 0x5b) {
      if (++depth > max) return true;
    } else if (code === 0x7d || code === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * Whether a value nests arrays and objects deeper than `max` (a value received as an object,
 * such as an Electron IPC argument, which may even be cyclic: a cycle is too deep). Walks with
 * its own stack, never by recursion.
 */
export function valueTooDeep(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: Array<[object, number]> = [[value, 1]];
  // A structured clone may share one object many times over (a DAG): each is walked again only
  // when reached deeper than before, so sharing cannot make the walk exponential.
  const deepestSeen = new Map<object, number>();
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (depth > max) return true;
    if ((deepestSeen.get(item) ?? 0) >= depth) continue;
    deepestSeen.set(item, depth);
    const children: unknown[] = Array.isArray(item) ? item : Object.values(item);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
