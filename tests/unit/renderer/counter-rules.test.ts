import { describe, expect, it } from 'vitest';
import type { PulledLicence } from '../../../shared/contract';
import type { MaterialState } from '../../../shared/counter-case';
import { idInputProblem, normaliseIdInput, showProblemWhileTyping } from '../../../renderer/features/counter/duty-rules';
import { adviceOutcome, defaultPaperReason, displayedFields, objectionQuery, stateTone } from '../../../renderer/features/counter/material-view';

const TODAY = new Date('2026-11-27T00:00:00Z');

describe('an ID number as the clerk types it', () => {
  it.each([
    ['111', '', 'length'],
    ['111', '3101', 'length'],
    ['111', '31A', 'characters'],
    ['111', '3101X', 'characters'],
    ['111', '310115199709281086', null],
    ['111', '31011519970928108x', 'check_character'],
    ['111', '310115199709281087', 'check_character'],
    ['111', '310115199713281086', 'birth_date'],
    ['111', '310115203001011234', 'birth_date'],
    ['001', '91310104TQR6P6G33J', null],
    ['001', '91310104TQR6P6G33K', 'credit_code'],
    ['001', '91310104IQR6P6G33J', 'characters'],
  ] as const)('%s %s → %s', (idType, text, problem) => {
    expect(idInputProblem(idType, text, TODAY)).toBe(problem);
  });

  it('is normalised: spaces dropped, letters uppercased', () => {
    expect(normaliseIdInput(' 3101 1519 9709 2810 8x ')).toBe('31011519970928108X');
  });

  it('says nothing while a number is merely incomplete', () => {
    expect(showProblemWhileTyping('length')).toBe(false);
    expect(showProblemWhileTyping('characters')).toBe(true);
    expect(showProblemWhileTyping(null)).toBe(false);
  });
});

function pulled(
  outcome: PulledLicence['report']['outcome'],
  fieldMarks: ('pass' | 'fail' | 'unknown')[],
  checks: PulledLicence['report']['checks'] = [],
): PulledLicence {
  return {
    summary: {} as PulledLicence['summary'],
    fields: fieldMarks.map((verified, i) => ({ key: `f${i}`, label: `字段${i}`, value: 'v', verified })),
    file: { contentType: 'application/pdf', size: 1, hash: 'a'.repeat(64), held: true },
    report: { licenceId: 'L', outcome, checks, verifiedAt: '2026-11-27T00:00:00Z', status: null },
  };
}

// A report whose field checks say what `digests` says, with a trusted key and a good signature
// unless `trusted` is false.
function withDigests(
  outcome: PulledLicence['report']['outcome'],
  digests: ('pass' | 'fail')[],
  trusted = true,
  hostMarks: ('pass' | 'fail' | 'unknown')[] = digests,
): PulledLicence {
  const checks: PulledLicence['report']['checks'] = [
    { check: 'issuer_key', result: trusted ? 'pass' : 'fail', evidence: '' },
    { check: 'signature', result: 'pass', evidence: '' },
    ...digests.map((result, i) => ({ check: 'field_digest' as const, result, evidence: '', field: `f${i}` })),
  ];
  return pulled(outcome, hostMarks, checks);
}

describe('what a material card shows', () => {
  it.each([
    ['valid', withDigests('valid', ['pass', 'pass']), ['pass', 'pass']],
    ['revoked', withDigests('revoked', ['pass']), ['pass']],
    ['signature_invalid', withDigests('signature_invalid', ['pass', 'fail']), ['unknown', 'fail']],
    ['untrusted_issuer', withDigests('untrusted_issuer', ['pass', 'pass'], false), ['unknown', 'unknown']],
    // The report decides, not a mark stored with the case by a host of another version.
    ['untrusted_issuer marked pass by the host', withDigests('untrusted_issuer', ['pass'], false, ['pass']), ['unknown']],
    ['valid with no digest checks', pulled('valid', ['pass']), ['unknown']],
  ] as const)('a %s licence shows its fields as %j: nothing unverified looks verified', (_, licence, shown) => {
    expect(displayedFields(licence).map((f) => f.verified)).toEqual(shown);
  });

  it('links an objection to the licence and the field that failed', () => {
    const licence = pulled(
      'signature_invalid',
      ['fail'],
      [
        { check: 'field_digest', result: 'pass', evidence: '', field: 'name' } as PulledLicence['report']['checks'][number],
        { check: 'field_digest', result: 'fail', evidence: '', field: 'address' } as PulledLicence['report']['checks'][number],
      ],
    );
    expect(objectionQuery(licence, 'L1')).toEqual({ licenceId: 'L1', field: 'address' });
    expect(objectionQuery(null, 'L2')).toEqual({ licenceId: 'L2' });
  });

  const states: [MaterialState, string, string | null][] = [
    [{ state: 'exempt', licenceId: 'L' }, 'success', 'valid'],
    [{ state: 'paper_scanned', paperReason: 'elderly', licenceId: null }, 'success', null],
    [{ state: 'needs_paper', why: 'not_in_library', overrideReason: null, suggestedPaperReason: 'not_in_library' }, 'warning', 'not_in_library'],
    [
      { state: 'failed', failure: { kind: 'licence', licenceId: 'L', outcome: 'expired' }, suggestedPaperReason: 'verification_failed', canObject: true },
      'danger',
      'expired',
    ],
    [
      { state: 'failed', failure: { kind: 'pull', errorCode: 'UNAVAILABLE' }, suggestedPaperReason: 'library_unreachable', canObject: false },
      'danger',
      'unavailable',
    ],
    [{ state: 'pending' }, 'info', null],
  ];
  it.each(states)('%j is %s with the advice of %s', (state, tone, outcome) => {
    expect(stateTone(state)).toBe(tone);
    expect(adviceOutcome(state)).toBe(outcome);
  });

  it('preselects what the library said of the material, phone or not, else "no phone" for a holder without one', () => {
    const failed: MaterialState = {
      state: 'failed',
      failure: { kind: 'licence', licenceId: 'L', outcome: 'revoked' },
      suggestedPaperReason: 'verification_failed',
      canObject: true,
    };
    expect(defaultPaperReason(failed, true)).toBe('verification_failed');
    // Looked up under official duty for a holder without a phone, the licence is revoked: that
    // is why the paper is taken, not the phone.
    expect(defaultPaperReason(failed, false)).toBe('verification_failed');
    const notInLibrary: MaterialState = { state: 'needs_paper', why: 'not_in_library', overrideReason: null, suggestedPaperReason: 'not_in_library' };
    expect(defaultPaperReason(notInLibrary, true)).toBe('not_in_library');
    expect(defaultPaperReason(notInLibrary, false)).toBe('not_in_library');
    expect(defaultPaperReason({ state: 'exempt', licenceId: 'L' }, true)).toBe('applicant_choice');
    // A verified licence taken on paper anyway from a holder without a phone.
    expect(defaultPaperReason({ state: 'exempt', licenceId: 'L' }, false)).toBe('no_phone');
  });

  it('preselects "library unreachable" where the library could not be reached, phone or not', () => {
    const unreachablePull: MaterialState = {
      state: 'failed',
      failure: { kind: 'pull', errorCode: 'UNAVAILABLE' },
      suggestedPaperReason: 'library_unreachable',
      canObject: false,
    };
    expect(defaultPaperReason(unreachablePull, true)).toBe('library_unreachable');
    expect(defaultPaperReason(unreachablePull, false)).toBe('library_unreachable');
    // A social matter's holder without a phone: no grant, and that is the reason.
    expect(defaultPaperReason({ state: 'needs_paper', why: 'no_grant', overrideReason: null, suggestedPaperReason: 'no_phone' }, false)).toBe('no_phone');
  });
});
