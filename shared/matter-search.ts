/**
 * Matter search at the counter (docs/architecture.md §4, step 1): the clerk finds a matter (事项)
 * by its code, by its Chinese name, or by the pinyin initials of its name (`jhdj` → 结婚登记),
 * and the list filters on every keystroke. The pinyin is computed once, when the index is
 * built; a keystroke is then one pass of plain string comparisons over the index.
 *
 * Ranking, best first (the {@link MatterMatchKind} order): exact code, code prefix, name prefix,
 * initials prefix, name substring, initials substring, code substring. Within one kind a match
 * nearer the start of the name ranks first, then the shorter name, then the catalog's order.
 *
 * Polyphonic characters (重 chóng/zhòng, 行 xíng/háng, 长 cháng/zhǎng) match by any of their
 * readings: `cxsl` and `zxsl` both find 重新申领. Letters and digits in a name are their own
 * initials (`icp` finds ICP备案); punctuation matches nothing.
 */
import { pinyin } from 'pinyin-pro';

/** What a matter needs for search: its code and its name. */
export interface SearchableMatter {
  code: string;
  name: string;
}

/** How a matter matched a query; the list is in ranking order, best first. */
export const MATTER_MATCH_KINDS = [
  'code_exact',
  'code_prefix',
  'name_prefix',
  'initials_prefix',
  'name_substring',
  'initials_substring',
  'code_substring',
] as const;

/** How a matter matched a query (see {@link MATTER_MATCH_KINDS}). */
export type MatterMatchKind = (typeof MATTER_MATCH_KINDS)[number];

/** One result: the matter, how it matched, and which characters to highlight. */
export interface MatterSearchHit<M extends SearchableMatter> {
  matter: M;
  match: MatterMatchKind;
  /** `code` for the code kinds, `name` for the others (initials highlight the name's characters). */
  field: 'code' | 'name';
  /** UTF-16 offset of the highlighted range in that field. */
  start: number;
  /** UTF-16 length of the highlighted range. */
  length: number;
}

/**
 * Returns the pinyin initials of each UTF-16 unit of a name: for each unit, the lowercase
 * letters its reading(s) may start with (`''` for punctuation and for the second unit of a
 * surrogate pair). Letters and digits are themselves, lowercased.
 */
export type InitialsFunction = (name: string) => string[];

const PUNCTUATION_INITIAL = '';
const polyphonicCache = new Map<string, string>();

function readingsOf(char: string, inContext: string): string {
  let readings = polyphonicCache.get(char);
  if (readings === undefined) {
    const all = pinyin(char, { pattern: 'first', toneType: 'none', type: 'array', multiple: true });
    readings = [...new Set(all.map((r) => r.toLowerCase()).filter((r) => /^[a-z]$/.test(r)))].join('');
    polyphonicCache.set(char, readings);
  }
  // The reading pinyin-pro picks from the word context comes first, so that the primary
  // initials string is the one a person would type.
  return inContext + readings.replace(inContext, '');
}

/**
 * The default {@link InitialsFunction}, on pinyin-pro: the initial the word context gives
 * first (银行 → `yh`), then the character's other readings.
 */
export function pinyinInitials(name: string): string[] {
  const chars = Array.from(name);
  const contextual = pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' });
  const out: string[] = [];
  chars.forEach((char, i) => {
    let initials: string;
    if (/^[A-Za-z0-9]$/.test(char)) initials = char.toLowerCase();
    else if (/^\p{Script=Han}$/u.test(char)) {
      const fromContext = (contextual[i] ?? '').toLowerCase();
      initials = readingsOf(char, /^[a-z]$/.test(fromContext) ? fromContext : '');
    } else initials = PUNCTUATION_INITIAL;
    out.push(initials);
    if (char.length === 2) out.push(PUNCTUATION_INITIAL);
  });
  return out;
}

interface IndexEntry<M extends SearchableMatter> {
  matter: M;
  order: number;
  code: string;
  name: string;
  /** One character per UTF-16 unit of the name: its first initial, or a space. */
  initials: string;
  /** Per UTF-16 unit, every initial it may have; null when no unit has more than one. */
  alternatives: string[] | null;
}

/** A search index over matters; build it once per catalog version with {@link buildMatterIndex}. */
export interface MatterIndex<M extends SearchableMatter> {
  readonly entries: readonly IndexEntry<M>[];
}

/**
 * Builds the search index: each matter's code and name lowercased and its pinyin initials.
 * Takes ~60 µs per matter with pinyin-pro (5,000 matters in about 0.3 s), so build it when the
 * matters are loaded, not per keystroke. `initialsOf` replaces pinyin-pro (e.g. in a test).
 */
export function buildMatterIndex<M extends SearchableMatter>(matters: readonly M[], initialsOf: InitialsFunction = pinyinInitials): MatterIndex<M> {
  const entries = matters.map((matter, order) => {
    const perUnit = initialsOf(matter.name);
    const initials = perUnit.map((set) => set[0] ?? ' ').join('');
    const alternatives = perUnit.some((set) => set.length > 1) ? perUnit : null;
    return { matter, order, code: matter.code.toLowerCase(), name: matter.name.toLowerCase(), initials, alternatives };
  });
  entries.sort((a, b) => a.name.length - b.name.length || a.order - b.order);
  return { entries };
}

/** Normalises what the clerk typed: whitespace removed, lowercased. */
export function normaliseMatterQuery(query: string): string {
  return query.replace(/\s+/g, '').toLowerCase();
}

function initialsAt(alternatives: string[], query: string, start: number): boolean {
  for (let k = 0; k < query.length; k++) {
    const set = alternatives[start + k];
    if (set === undefined || !set.includes(query[k]!)) return false;
  }
  return true;
}

// Position of the first initials match of the query, or -1.
function initialsMatch(entry: IndexEntry<SearchableMatter>, query: string): number {
  const primary = entry.initials.indexOf(query);
  if (primary === 0 || entry.alternatives === null) return primary;
  const last = entry.alternatives.length - query.length;
  const end = primary < 0 ? last : Math.min(primary - 1, last);
  for (let start = 0; start <= end; start++) if (initialsAt(entry.alternatives, query, start)) return start;
  return primary;
}

const INITIALS_QUERY = /^[a-z0-9]*[a-z][a-z0-9]*$/;
const KIND_COUNT = MATTER_MATCH_KINDS.length;
const FIELD_OF_KIND: readonly ('code' | 'name')[] = MATTER_MATCH_KINDS.map((kind) => (kind.startsWith('code') ? 'code' : 'name'));

/**
 * The matters matching a query, best first, at most `limit` of them. An empty query (after
 * removing whitespace) matches nothing. Case is ignored in codes and initials.
 */
export function searchMatters<M extends SearchableMatter>(index: MatterIndex<M>, query: string, limit = 20): MatterSearchHit<M>[] {
  const q = normaliseMatterQuery(query);
  if (q === '' || limit <= 0) return [];
  const mayBeInitials = INITIALS_QUERY.test(q);
  const codeFragments = q.length >= 2;
  // One bucket per match kind, each holding entry positions and match starts; the entries are
  // already in (name length, catalog order), so a bucket only needs sorting by start. No
  // object is made per matching entry: a single letter matches thousands of them.
  const buckets: number[][] = Array.from({ length: KIND_COUNT }, () => []);
  const entries = index.entries;
  for (let e = 0; e < entries.length; e++) {
    const entry = entries[e]!;
    const { code, name } = entry;
    let kind: number;
    let start = 0;
    if (code === q) kind = 0;
    else if (code.startsWith(q)) kind = 1;
    else if (name.startsWith(q)) kind = 2;
    else {
      const initials = mayBeInitials ? initialsMatch(entry, q) : -1;
      if (initials === 0) kind = 3;
      else {
        const inName = name.indexOf(q);
        if (inName > 0) {
          kind = 4;
          start = inName;
        } else if (initials > 0) {
          kind = 5;
          start = initials;
        } else {
          const inCode = codeFragments ? code.indexOf(q) : -1;
          if (inCode <= 0) continue;
          kind = 6;
          start = inCode;
        }
      }
    }
    buckets[kind]!.push(start, e);
  }
  const hits: MatterSearchHit<M>[] = [];
  for (let kind = 0; kind < KIND_COUNT && hits.length < limit; kind++) {
    const bucket = buckets[kind]!;
    const pairs: [number, number][] = [];
    for (let i = 0; i < bucket.length; i += 2) pairs.push([bucket[i]!, bucket[i + 1]!]);
    if (kind > 3) pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [start, e] of pairs) {
      if (hits.length >= limit) break;
      hits.push({ matter: entries[e]!.matter, match: MATTER_MATCH_KINDS[kind]!, field: FIELD_OF_KIND[kind]!, start, length: q.length });
    }
  }
  return hits;
}
