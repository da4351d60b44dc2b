import { createI18n } from 'vue-i18n';
import { zhCN, type MessageSchema } from './zh-CN';

/** The workstation's i18n: Simplified Chinese; other locales follow the same schema. */
export const i18n = createI18n<[MessageSchema], 'zh-CN'>({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN },
});
