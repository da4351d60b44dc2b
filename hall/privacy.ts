/**
 * What the hall refuses to hold (Art. 27 of the measures; docs/architecture.md §3.7): a holder's
 * name, face data and pulled files. The strict schemas would refuse such a field as one the
 * protocol does not define; this check runs before them and names the personal data by its own
 * code, so a workstation that starts sending it is told exactly why.
 */
import { HallError } from './http';

// Keys that carry face data or a holder's name wherever they appear, in any item (an audit
// event's details included: the counter logs a masked ID number and never these).
const FACE_DATA_KEYS = new Set(['holderName', 'faceFields', 'faceData', 'recorded', 'claimed', 'photo', 'portrait']);
// In records, also an objection's free text and evidence pages (they quote face data); an
// audit event's details may count evidence pages under `evidence`, which is no personal data.
const RECORD_ONLY_KEYS = new Set(['description', 'evidence']);

function find(value: unknown, path: string, inRecord: boolean, depth: number): string | null {
  if (depth > 64 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = find(value[i], `${path}[${i}]`, inRecord, depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const here = path ? `${path}.${key}` : key;
    if (FACE_DATA_KEYS.has(key) || (inRecord && RECORD_ONLY_KEYS.has(key))) return here;
    const child = record[key];
    if (key === 'holder' && child !== null && typeof child === 'object' && !Array.isArray(child) && 'name' in child) return `${here}.name`;
    const hit = find(child, here, inRecord, depth + 1);
    if (hit) return hit;
  }
  return null;
}

/**
 * Where personal data the hall never stores sits in a pushed item, as a path
 * (`records[3].case.holder.name`), or null. `kind` says whether the item is a record (case or
 * objection) or an audit event's details.
 */
export function personalDataPath(value: unknown, path: string, kind: 'record' | 'audit'): string | null {
  return find(value, path, kind === 'record', 0);
}

/** Refuses a push (as received, before its schema) that carries personal data: PERSONAL_DATA with the path. */
export function screenPush(raw: Record<string, unknown>): void {
  const scan = (items: unknown, name: string, kind: 'record' | 'audit') => {
    if (!Array.isArray(items)) return;
    items.forEach((item, i) => {
      const target = kind === 'audit' ? (item as { details?: unknown } | null)?.details : item;
      const path = personalDataPath(target, kind === 'audit' ? `${name}[${i}].details` : `${name}[${i}]`, kind);
      if (path) throw new HallError('PERSONAL_DATA', undefined, { path });
    });
  };
  scan(raw.records, 'records', 'record');
  scan(raw.audit, 'audit', 'audit');
}
