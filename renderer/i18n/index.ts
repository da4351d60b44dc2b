import { createI18n } from 'vue-i18n';
import { zhCN, type MessageSchema } from './zh-CN';

export type { MessageSchema };

/** The workstation's i18n: Simplified Chinese; other locales follow the same schema. */
export const i18n = createI18n<[MessageSchema], 'zh-CN'>({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  // No `$t` in templates: vue-i18n types its key as any string. Texts go through `t` below.
  globalInjection: false,
  messages: { 'zh-CN': zhCN },
});

/** The dotted path of every text in a catalogue section: `'title'`, `'holder.bases.token'` … */
type TextPaths<T> = { [K in keyof T & string]: T[K] extends string ? K : `${K}.${TextPaths<T[K]>}` }[keyof T & string];

/**
 * The key of a text in the catalogue (`'counter.title'`, `'errors.codes.INTERNAL'` …). A key
 * that is not there, or that names a section rather than a text, does not compile — also when
 * it is built from a code (`` `outcomes.${outcome}` `` compiles only for the outcomes it has).
 */
export type MessageKey = TextPaths<MessageSchema>;

/** The values a text's `{placeholders}` are filled with. */
export type MessageParams = Record<string, unknown>;

/**
 * The catalogue's text for a key, its `{placeholders}` filled from `params`. Components and
 * renderer code say everything the clerk reads through this (or {@link dynamicTexts} for keys
 * made from stored data); vue-i18n is imported nowhere else (a lint rule).
 */
export function t(key: MessageKey, params?: MessageParams): string {
  return params === undefined ? i18n.global.t(key) : i18n.global.t(key, params);
}

/**
 * Lookups by a key made at run time from stored data (an audit event's codes and detail
 * names, years old), which the compiler cannot know: `te` says whether the catalogue has the
 * text. Everything else uses {@link t}, whose keys the compiler checks.
 */
export const dynamicTexts = {
  t: (key: string, params?: MessageParams): string => (params === undefined ? i18n.global.t(key) : i18n.global.t(key, params)),
  te: (key: string): boolean => i18n.global.te(key),
};
