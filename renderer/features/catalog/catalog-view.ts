import type { LicenceType, Matter } from '../../../shared/library-api';

/** For each licence type code, the matters whose usage lists name it (Art. 13), in catalog order. */
export function mattersByType(matters: readonly Matter[]): Map<string, Matter[]> {
  const map = new Map<string, Matter[]>();
  for (const matter of matters) {
    for (const material of matter.materials) {
      for (const code of material.licenceTypes) {
        const list = map.get(code) ?? [];
        if (!list.includes(matter)) list.push(matter);
        map.set(code, list);
      }
    }
  }
  return map;
}

/** The licence types a query finds: by name, type code or issuer (name or credit code). */
export function searchTypes(types: readonly LicenceType[], query: string): LicenceType[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...types];
  return types.filter(
    (type) =>
      type.name.toLowerCase().includes(q) ||
      type.code.toLowerCase().includes(q) ||
      type.definingAuthority.name.toLowerCase().includes(q) ||
      type.issuers.some((issuer) => issuer.name.toLowerCase().includes(q) || issuer.code.toLowerCase().includes(q)),
  );
}

/** A catalog validity (`10Y`, `6M`, `90D`, `long`) as its number and unit, or `long`. */
export function parseValidity(validity: string): { n: number; unit: 'Y' | 'M' | 'D' } | 'long' {
  const match = /^(\d+)([YMD])$/.exec(validity);
  if (!match) return 'long';
  return { n: Number(match[1]), unit: match[2] as 'Y' | 'M' | 'D' };
}

/** How old a cached copy is, as a unit and a count, for "N 分钟前". */
export function ageParts(minutes: number): { unit: 'justNow' | 'minutes' | 'hours' | 'days'; n: number } {
  if (minutes < 1) return { unit: 'justNow', n: 0 };
  if (minutes < 60) return { unit: 'minutes', n: minutes };
  if (minutes < 48 * 60) return { unit: 'hours', n: Math.floor(minutes / 60) };
  return { unit: 'days', n: Math.floor(minutes / (24 * 60)) };
}
