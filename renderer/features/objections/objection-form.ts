import { licenceIdCheckOk, parseLicenceId } from '../../../shared/ids';
import { base64Size, type EvidenceDraft } from './objections';

/** The library's limits on evidence (API.md, objections). */
export const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;
export const MAX_EVIDENCE_ITEMS = 20;

/** How a typed licence identifier reads: unusable, usable with a warning, or fine. */
export type LicenceIdReading = { ok: false } | { ok: true; issuerCode: string; checkOk: boolean };

/** Reads a licence identifier as typed (trimmed; letters as capitals, as the standard writes them). */
export function readLicenceId(text: string): LicenceIdReading {
  const parts = parseLicenceId(text.trim().toUpperCase());
  if (!parts) return { ok: false };
  // DESIGN.md 5: a wrong check character is a warning, never a rejection on its own.
  return { ok: true, issuerCode: parts.issuerCode, checkOk: licenceIdCheckOk(text.trim().toUpperCase()) };
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
