import { citizenIdProblem, isValidCreditCode } from '../../../shared/ids';

/** Why a typed ID number is refused, as a key of `counter.duty.idProblems`. */
export type IdInputProblem = 'length' | 'characters' | 'birth_date' | 'check_character' | 'credit_code';

/** The holder ID types a clerk may type: citizen ID number, unified social credit code. */
export type TypedIdType = '111' | '001';

/** What the clerk typed, as the field keeps it: spaces dropped, letters uppercased. */
export function normaliseIdInput(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/**
 * Checks an ID number as it is typed (GB 11643 for a citizen, GB 32100 for an organisation).
 * While fewer than 18 characters are typed only the characters are judged, so the clerk is not
 * scolded mid-number; at 18 every rule applies.
 */
export function idInputProblem(idType: TypedIdType, text: string, today: Date = new Date()): IdInputProblem | null {
  const id = normaliseIdInput(text);
  if (idType === '111') {
    if (!/^\d{0,17}[\dX]?$/.test(id) || (id.length < 18 && id.includes('X'))) return 'characters';
    if (id.length !== 18) return 'length';
    return citizenIdProblem(id, today);
  }
  if (!/^[0-9A-HJ-NP-RTUW-Y]*$/.test(id)) return 'characters';
  if (id.length !== 18) return 'length';
  return isValidCreditCode(id) ? null : 'credit_code';
}

/** Whether the problem is worth showing yet: a number still being typed is only "too short". */
export function showProblemWhileTyping(problem: IdInputProblem | null): boolean {
  return problem !== null && problem !== 'length';
}
