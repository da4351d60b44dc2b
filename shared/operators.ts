/**
 * Operators as a supervisor reads them. The library knows an operator by its own id
 * (`OP-PD-0101`), and every audit event, case and review is stored under that id; people in a
 * hall know each other by name and 工号 (the username they sign in with, `clerk01`). The
 * workstation keeps a directory of the operators who signed in on it (id → name, username),
 * and these rules turn an id into 王晓燕 clerk01 and what a supervisor types into the ids to
 * look for.
 */

/** An operator who signed in on this workstation, as the directory keeps them. */
export interface OperatorEntry {
  /** The library's operator id, under which events are stored. */
  id: string;
  /** The operator's name as the library gave it at sign-in. */
  name: string;
  /** The username (工号) typed at the sign-in that the library accepted. */
  username: string;
  role?: string;
  /** When the operator last signed in here (ISO time). */
  lastSignInAt?: string;
}

/**
 * An operator as a supervisor reads them: `王晓燕 clerk01`. An id the directory does not know
 * (an operator who has not signed in here since the directory was kept) is shown as it is.
 */
export function operatorLabel(id: string | null | undefined, directory: ReadonlyMap<string, OperatorEntry>): string {
  if (!id) return '';
  const entry = directory.get(id);
  return entry ? `${entry.name} ${entry.username}` : id;
}

/** What a supervisor's 操作人 text matched: the ids to filter by and the operators they are. */
export interface OperatorMatch {
  /** The operator ids to filter the audit trail by (never empty for a non-empty text). */
  ids: string[];
  /** The directory entries matched, in the directory's order; empty when none was. */
  entries: OperatorEntry[];
}

/**
 * The operators a supervisor means by a text: the 工号, the name or the operator id. Exact
 * matches win (工号 and id without regard to case, the name as written); without one, any
 * operator whose name or 工号 contains the text (so `王` or `clerk0` lists several). Two
 * operators may share a name: both are matched. When the directory knows nobody by that text,
 * the text itself is taken as an operator id (events of an operator who never signed in here
 * since the directory was kept are still found by their id).
 */
export function matchOperators(text: string, directory: Iterable<OperatorEntry>): OperatorMatch {
  const wanted = text.trim();
  if (!wanted) return { ids: [], entries: [] };
  const lower = wanted.toLowerCase();
  const all = [...directory];
  const exact = all.filter((e) => e.id.toLowerCase() === lower || e.username.toLowerCase() === lower || e.name === wanted);
  const entries = exact.length > 0 ? exact : all.filter((e) => e.name.includes(wanted) || e.username.toLowerCase().includes(lower));
  return entries.length > 0 ? { ids: entries.map((e) => e.id), entries } : { ids: [wanted], entries: [] };
}
