import { licenceIdCheckOk, parseLicenceId } from '../../../shared/ids';
import type { CatalogResponse, FaceField, LicenceType } from '../../../shared/library-api';
import { base64Size, type EvidenceDraft } from './objections';

/** The library's limits on evidence (docs/library-api.md §10). */
export const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;
export const MAX_EVIDENCE_ITEMS = 20;

/** How a typed licence identifier reads: unusable, usable with a warning, or fine. */
export type LicenceIdReading = { ok: false } | LicenceIdReadingOk;

export type LicenceIdReadingOk = { ok: true; typeCode: string; issuerCode: string; checkOk: boolean };

/** Reads a licence identifier as typed (trimmed; letters as capitals, as the standard writes them). */
export function readLicenceId(text: string): { ok: false } | LicenceIdReadingOk {
  const parts = parseLicenceId(text.trim().toUpperCase());
  if (!parts) return { ok: false };
  // docs/library-api.md §5: a wrong check character is a warning, never a rejection on its own.
  return { ok: true, typeCode: parts.typeCode, issuerCode: parts.issuerCode, checkOk: licenceIdCheckOk(text.trim().toUpperCase()) };
}

/** What the catalog says about a licence identifier: its type (with its face fields) and its issuer's name. */
export interface LicenceFromCatalog {
  type: LicenceType | null;
  issuerName: string | null;
}

/**
 * The licence type and issuer an identifier names, from the issuance catalog (Art. 7): the
 * identifier's type code gives the type and its face fields with their Chinese labels, and its
 * issuer code the issuing unit's name (among the type's issuers, else any type's). Nulls when
 * the catalog does not know them (a catalog older than the licence, or no catalog yet).
 */
export function licenceFromCatalog(catalog: CatalogResponse | null, licenceId: string): LicenceFromCatalog {
  const reading = readLicenceId(licenceId);
  if (!reading.ok || !catalog) return { type: null, issuerName: null };
  const type = catalog.types.find((candidate) => candidate.code === reading.typeCode) ?? null;
  const issuer =
    type?.issuers.find((org) => org.code === reading.issuerCode) ??
    catalog.types.flatMap((candidate) => candidate.issuers).find((org) => org.code === reading.issuerCode);
  return { type, issuerName: issuer?.name ?? null };
}

/** The face fields to offer for an objection: the type's, by their Chinese labels. */
export function faceFieldOptions(type: LicenceType | null): Pick<FaceField, 'key' | 'label'>[] {
  return (type?.faceFields ?? []).map(({ key, label }) => ({ key, label }));
}

/** A face field's Chinese label for a licence, from the catalog; the key itself when unknown. */
export function faceFieldLabel(catalog: CatalogResponse | null, licenceId: string, key: string): string {
  return licenceFromCatalog(catalog, licenceId).type?.faceFields.find((field) => field.key === key)?.label ?? key;
}

/** Whether one more evidence item fits the library's limits; the reason when it does not. */
export function evidenceFits(items: readonly EvidenceDraft[], candidate: EvidenceDraft): 'too_large' | 'too_many' | null {
  if (base64Size(candidate.data) > MAX_EVIDENCE_BYTES) return 'too_large';
  if (items.length >= MAX_EVIDENCE_ITEMS) return 'too_many';
  return null;
}

/** Base64 of a Blob, in chunks (String.fromCharCode over a whole page would overflow the stack). */
export async function blobBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A recorded or claimed face value as the form shows it and as it goes to the library. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
