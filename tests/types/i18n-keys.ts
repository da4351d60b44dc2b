// Type-level test, checked by `npm run typecheck` (tsconfig.web.json): a text's key is checked
// by the compiler. Each `@ts-expect-error` fails the typecheck if its line ever compiles.
import { t, type MessageKey } from '../../renderer/i18n';
import type { VerificationOutcome } from '../../shared/licence-verify';

export function keysAreChecked(outcome: VerificationOutcome, anyText: string): string[] {
  return [
    t('counter.title'),
    t('counter.pull.progress', { done: 1, total: 2 }),
    // A key made from a code compiles when the catalogue has a text for every value of the code.
    t(`outcomes.${outcome}`),
    // @ts-expect-error a key the catalogue does not have
    t('no.such.key'),
    // @ts-expect-error a misspelt key
    t('counter.titel'),
    // @ts-expect-error a section is not a text
    t('counter.holder'),
    // @ts-expect-error a key made from any string could be anything
    t(`outcomes.${anyText}`),
  ];
}

// @ts-expect-error MessageKey is the closed list of the catalogue's keys
export const notAKey: MessageKey = 'counter.nothing';
