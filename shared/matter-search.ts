/**
 * Matter search at the counter (DESIGN.md section 2, step 1): the clerk finds a matter (事项)
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
 * Takes ~40 µs per matter with pinyin-pro (5,000 matters in about 0.2 s), so build it when the
 * matters are loaded, not per keystroke. `initialsOf` replaces pinyin-pro (e.g. in a test).
 */
export function buildMatterIndex<M extends SearchableMatter>(
  matters: readonly M[],
  initialsOf: InitialsFunction = pinyinInitials,
): MatterIndex<M> {
  const entries = matters.map((matter, order) => {
    const perUnit = initialsOf(matter.name);
    const initials = perUnit.map((set) => set[0] ?? ' ').join('');
    const alternatives = perUnit.some((set) => set.length > 1) ? perUnit : null;
    return { matter, order, code: matter.code.toLowerCase(), name: matter.name.toLowerCase(), initials, alternatives };
  });
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

function matchOf<M extends SearchableMatter>(entry: IndexEntry<M>, query: string, mayBeInitials: boolean): MatterSearchHit<M> | null {
  const { code, name } = entry;
  const hit = (match: MatterMatchKind, field: 'code' | 'name', start: number): MatterSearchHit<M> => ({
    matter: entry.matter,
    match,
    field,
    start,
    length: query.length,
  });
  if (code === query) return hit('code_exact', 'code', 0);
  if (code.startsWith(query)) return hit('code_prefix', 'code', 0);
  if (name.startsWith(query)) return hit('name_prefix', 'name', 0);
  const initials = mayBeInitials ? initialsMatch(entry, query) : -1;
  if (initials === 0) return hit('initials_prefix', 'name', 0);
  const inName = name.indexOf(query);
  if (inName > 0) return hit('name_substring', 'name', inName);
  if (initials > 0) return hit('initials_substring', 'name', initials);
  const inCode = query.length >= 2 ? code.indexOf(query) : -1;
  if (inCode > 0) return hit('code_substring', 'code', inCode);
  return null;
}

const RANK: Record<MatterMatchKind, number> = Object.fromEntries(MATTER_MATCH_KINDS.map((kind, i) => [kind, i])) as Record<
  MatterMatchKind,
  number
>;

/**
 * The matters matching a query, best first, at most `limit` of them. An empty query (after
 * removing whitespace) matches nothing. Case is ignored in codes and initials.
 */
export function searchMatters<M extends SearchableMatter>(index: MatterIndex<M>, query: string, limit = 20): MatterSearchHit<M>[] {
  const q = normaliseMatterQuery(query);
  if (q === '' || limit <= 0) return [];
  const mayBeInitials = INITIALS_QUERY.test(q);
  const hits: { hit: MatterSearchHit<M>; order: number; nameLength: number }[] = [];
  for (const entry of index.entries) {
    const hit = matchOf(entry, q, mayBeInitials);
    if (hit) hits.push({ hit, order: entry.order, nameLength: entry.name.length });
  }
  hits.sort(
    (a, b) =>
      RANK[a.hit.match] - RANK[b.hit.match] || a.hit.start - b.hit.start || a.nameLength - b.nameLength || a.order - b.order,
  );
  return hits.slice(0, limit).map((h) => h.hit);
}
