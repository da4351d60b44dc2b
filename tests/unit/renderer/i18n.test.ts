import { describe, expect, it } from 'vitest';
import { AUDIT_EVENT_KINDS } from '../../../shared/audit-chain';
import { ReaderStatusSchema } from '../../../shared/contract';
import { READER_PRESET_IDS } from '../../../shared/devices';
import { ID_CARD_PROBLEMS, ID_CARD_VALIDITIES, type CardHolderComparison } from '../../../shared/id-card';
import { HOST_ERROR_CODES, HOST_ERROR_MESSAGES_ZH, hostFailure } from '../../../shared/errors';
import type { CitizenIdProblem } from '../../../shared/ids';
import { PAPER_REASONS } from '../../../shared/library-api';
import { VERIFICATION_CHECKS, VERIFICATION_OUTCOMES } from '../../../shared/licence-verify';
import type { PaperPdfProblem } from '../../../shared/paper-pdf';
import { SETTINGS_PROBLEMS } from '../../../shared/settings-problems';
import { AppError } from '../../../renderer/host/client';
import { t, type MessageKey } from '../../../renderer/i18n';
import { zhCN } from '../../../renderer/i18n/zh-CN';

// Every text of the catalogue with its key, walked from the catalogue itself.
function texts(section: object, prefix = ''): Array<[string, string]> {
  return Object.entries(section).flatMap(([key, value]): Array<[string, string]> =>
    typeof value === 'string' ? [[`${prefix}${key}`, value]] : texts(value as object, `${prefix}${key}.`),
  );
}

describe('the catalogue', () => {
  it('renders every text, each placeholder filled', () => {
    const all = texts(zhCN);
    expect(all.length).toBeGreaterThan(800);
    for (const [key, text] of all) {
      const params = Object.fromEntries([...text.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, `<${m[1]}>`]));
      const shown = t(key as MessageKey, params);
      // The message compiler took it as written: nothing but the placeholders changed.
      expect(shown, key).toBe(text.replace(/\{(\w+)\}/g, '<$1>'));
    }
  });

  it('words every code that shared/ and the host return', () => {
    const lists: Array<[string, readonly string[]]> = [
      ['outcomes', VERIFICATION_OUTCOMES],
      ['verificationChecks', VERIFICATION_CHECKS],
      ['paperReasons', PAPER_REASONS],
      ['supervision.audit.kinds', AUDIT_EVENT_KINDS],
      ['errors.codes', HOST_ERROR_CODES],
      ['settings.problems', SETTINGS_PROBLEMS],
      ['settings.readerPresets', READER_PRESET_IDS],
      ['devices.idCard.problems', ID_CARD_PROBLEMS],
      ['devices.idCard.validity', ID_CARD_VALIDITIES],
      ['devices.idCard.comparison', ['match', 'id_number_differs', 'name_differs', 'not_comparable'] satisfies CardHolderComparison[]],
      ['devices.reader.states', ReaderStatusSchema.shape.state.options],
      ['paper.pdfProblems', ['no_pages', 'not_an_image', 'damaged_image'] satisfies PaperPdfProblem[]],
      ['idCard.idNumber', ['length', 'characters', 'birth_date', 'check_character'] satisfies CitizenIdProblem[]],
    ];
    const keys = new Set(texts(zhCN).map(([key]) => key));
    for (const [section, codes] of lists) {
      for (const code of codes) expect(keys.has(`${section}.${code}`), `${section}.${code}`).toBe(true);
    }
  });

  it('reads each host error code in the same words as the host does', () => {
    for (const code of HOST_ERROR_CODES) expect(t(`errors.codes.${code}`), code).toBe(HOST_ERROR_MESSAGES_ZH[code]);
  });
});

describe('AppError', () => {
  it('takes the sentence of a refusal of the renderer from the catalogue, with its params', () => {
    expect(new AppError('BAD_REQUEST', 'noHolder').message).toBe('请先读取办事人信息。');
    expect(new AppError('BAD_REQUEST', 'materialsMissing', { names: '户口簿、结婚证' }).message).toBe('还有材料未满足：户口簿、结婚证');
    expect(new AppError('UNAUTHENTICATED').message).toBe('登录已失效，请重新登录后再操作。');
  });

  it('words a host failure by its code, unless its envelope carries a sentence of its own', () => {
    // The code's standard sentence: the renderer's words for the code.
    const standard = AppError.from(hostFailure('TOKEN_EXPIRED').error);
    expect(standard).toMatchObject({ code: 'TOKEN_EXPIRED', message: '亮证码已过期：请申请人在手机上刷新亮证码，再重新扫描。' });
    // The library's own refusal, or the host's about this very failure: shown as given.
    const refusal = AppError.from(hostFailure('BAD_REQUEST', '事项编码 X 不存在', { libraryStatus: 400 }).error);
    expect(refusal).toMatchObject({ code: 'BAD_REQUEST', message: '事项编码 X 不存在', details: { libraryStatus: 400 } });
    // A host that passes the standard sentence explicitly has said nothing more.
    expect(hostFailure('READER_ABSENT', HOST_ERROR_MESSAGES_ZH.READER_ABSENT).error.specific).toBeUndefined();
    expect(AppError.from({ code: 'INTERNAL', message: 'an envelope without the mark' }).message).toBe(t('errors.codes.INTERNAL'));
  });
});
