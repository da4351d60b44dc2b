/**
 * Correcting a usage record the library refused (a 4xx puts it in "needs attention",
 * docs/architecture.md §6): what a clerk may change, and the checks an edited record passes before it is saved to the
 * outbox and sent again. A clerk fixes what the counter recorded about the case — the matter
 * and each material's outcome, licence and paper reason — never who, where or when: the case
 * number, holder, grant, operator, workstation, completion time and training flag stay as the
 * counter wrote them, and so does the list of materials (none added, none dropped).
 */
import {
  LICENCE_ID_PATTERN,
  MATERIAL_OUTCOMES,
  PAPER_REASONS,
  SIMPLE_ID_PATTERN,
  UsageRecordRequest,
  type MaterialOutcome,
  type PaperReason,
} from './library-api';

/** One material's line as the edit form holds it. */
export interface UsageMaterialEdit {
  materialId: string;
  outcome: MaterialOutcome;
  /** Free text from the form; blank means none. */
  licenceId: string | null;
  paperReason: PaperReason | null;
}

/** The fields of a usage record a clerk may correct. */
export interface UsageRecordEdit {
  matterCode: string;
  materials: UsageMaterialEdit[];
}

/** A matter as the edit checks it against (the local copy of the usage lists). */
export interface EditMatter {
  code: string;
  materials: ReadonlyArray<{ id: string; required: boolean }>;
}

/** Why an edited record cannot be saved; the renderer words each one. */
export type UsageRecordEditProblem =
  /** The matter code is not a matter code (characters, length). */
  | { code: 'matter_code_invalid' }
  /** The matter is not among the usage lists the workstation knows. */
  | { code: 'matter_unknown'; matterCode: string }
  /** The edit does not name exactly the record's materials. */
  | { code: 'materials_changed' }
  /** A material is not on the chosen matter's usage list. */
  | { code: 'material_not_in_matter'; materialId: string; matterCode: string }
  /** A required material of the matter is recorded as missing. */
  | { code: 'required_missing'; materialId: string }
  /** An exempt material names no licence. */
  | { code: 'licence_required'; materialId: string }
  /** A licence identifier is not one (1.2.156.3005.2.…). */
  | { code: 'licence_id_invalid'; materialId: string }
  /** A paper material names no reason, or an unknown one. */
  | { code: 'paper_reason_required'; materialId: string }
  /** An outcome that is not exempt, paper or missing. */
  | { code: 'outcome_invalid'; materialId: string }
  /** The library's schema refuses a field the clerk cannot change here (left as the counter wrote it). */
  | { code: 'not_editable'; path: string };

/** One changed field, for the audit chain: `matterCode` or `materials.<id>.<field>`. */
export interface UsageRecordChange {
  field: string;
  from: string | null;
  to: string | null;
}

/** The outcome of {@link applyUsageRecordEdit}. */
export type UsageRecordEditResult = { ok: true; record: UsageRecordRequest; changes: UsageRecordChange[] } | { ok: false; problems: UsageRecordEditProblem[] };

/** The editable fields of a record, as the form starts from them. */
export function usageRecordEditOf(record: UsageRecordRequest): UsageRecordEdit {
  return {
    matterCode: record.matterCode,
    materials: record.materials.map((m) => ({ materialId: m.materialId, outcome: m.outcome, licenceId: m.licenceId, paperReason: m.paperReason })),
  };
}

// A form's text as the record writes it: trimmed, letters as capitals (as the standard writes
// identifiers), blank as null.
function licenceText(text: string | null): string | null {
  const trimmed = (text ?? '').trim().toUpperCase();
  return trimmed.length > 0 ? trimmed : null;
}

/**
 * One material's line made consistent with its outcome: exempt keeps only its licence, paper
 * its reason and (when one failed verification) the licence, missing neither.
 */
function normalisedMaterial(edit: UsageMaterialEdit): UsageRecordRequest['materials'][number] {
  const licenceId = licenceText(edit.licenceId);
  if (edit.outcome === 'exempt') return { materialId: edit.materialId, outcome: 'exempt', licenceId, paperReason: null };
  if (edit.outcome === 'paper') return { materialId: edit.materialId, outcome: 'paper', licenceId, paperReason: edit.paperReason };
  return { materialId: edit.materialId, outcome: edit.outcome, licenceId: null, paperReason: null };
}

function materialProblems(line: UsageRecordRequest['materials'][number]): UsageRecordEditProblem[] {
  const { materialId } = line;
  if (!(MATERIAL_OUTCOMES as readonly string[]).includes(line.outcome)) return [{ code: 'outcome_invalid', materialId }];
  if (line.outcome === 'exempt' && line.licenceId === null) return [{ code: 'licence_required', materialId }];
  if (line.licenceId !== null && !LICENCE_ID_PATTERN.test(line.licenceId)) return [{ code: 'licence_id_invalid', materialId }];
  if (line.outcome === 'paper' && (line.paperReason === null || !(PAPER_REASONS as readonly string[]).includes(line.paperReason))) {
    return [{ code: 'paper_reason_required', materialId }];
  }
  return [];
}

/**
 * Applies a clerk's edit to a refused usage record. The result keeps every field the clerk may
 * not change, takes the matter and the materials' lines from the edit (made consistent with
 * each outcome), and is checked field by field, then against the library's own schema
 * (`UsageRecordRequest`), and — when the workstation's usage lists are given — against the
 * chosen matter: it must be known, list every material, and no required material may be
 * missing (the counter's completion rule). A wrong licence check character is not a problem
 * here (docs/library-api.md §5: a warning, never a rejection on its own). `changes` lists what differs
 * from the record, for the audit chain.
 */
export function applyUsageRecordEdit(record: UsageRecordRequest, edit: UsageRecordEdit, matters?: readonly EditMatter[]): UsageRecordEditResult {
  const problems: UsageRecordEditProblem[] = [];
  const matterCode = edit.matterCode.trim();
  if (!SIMPLE_ID_PATTERN.test(matterCode)) problems.push({ code: 'matter_code_invalid' });

  const recorded = record.materials.map((m) => m.materialId);
  const edited = edit.materials.map((m) => m.materialId);
  if (recorded.length !== edited.length || new Set(edited).size !== edited.length || recorded.some((id) => !edited.includes(id))) {
    return { ok: false, problems: [...problems, { code: 'materials_changed' }] };
  }
  // The record's order, whatever order the form kept.
  const byId = new Map(edit.materials.map((m) => [m.materialId, m]));
  const materials = recorded.map((id) => normalisedMaterial(byId.get(id)!));
  for (const line of materials) problems.push(...materialProblems(line));

  if (matters && problems.every((p) => p.code !== 'matter_code_invalid')) {
    const matter = matters.find((m) => m.code === matterCode);
    if (!matter) problems.push({ code: 'matter_unknown', matterCode });
    else {
      const listed = new Map(matter.materials.map((m) => [m.id, m]));
      for (const line of materials) {
        const listedMaterial = listed.get(line.materialId);
        if (!listedMaterial) problems.push({ code: 'material_not_in_matter', materialId: line.materialId, matterCode });
        else if (listedMaterial.required && line.outcome === 'missing') problems.push({ code: 'required_missing', materialId: line.materialId });
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const candidate: UsageRecordRequest = { ...record, matterCode, materials };
  const parsed = UsageRecordRequest.safeParse(candidate);
  if (!parsed.success) {
    // Everything the clerk edits was checked above: what is left is a field the form does not offer.
    return { ok: false, problems: parsed.error.issues.map((issue) => ({ code: 'not_editable' as const, path: issue.path.map(String).join('.') })) };
  }
  return { ok: true, record: parsed.data, changes: changesBetween(record, parsed.data) };
}

/** The fields that differ between two versions of a record (matter and materials' lines). */
export function changesBetween(before: UsageRecordRequest, after: UsageRecordRequest): UsageRecordChange[] {
  const changes: UsageRecordChange[] = [];
  if (before.matterCode !== after.matterCode) changes.push({ field: 'matterCode', from: before.matterCode, to: after.matterCode });
  const old = new Map(before.materials.map((m) => [m.materialId, m]));
  for (const line of after.materials) {
    const previous = old.get(line.materialId);
    for (const field of ['outcome', 'licenceId', 'paperReason'] as const) {
      const from = previous?.[field] ?? null;
      const to = line[field];
      if (from !== to) changes.push({ field: `materials.${line.materialId}.${field}`, from, to });
    }
  }
  return changes;
}
