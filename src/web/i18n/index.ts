import dayjs from 'dayjs';
import 'dayjs/locale/en';
import 'dayjs/locale/zh-cn';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { localizeMessage } from './bilingual';
import { enUS, zhCN } from './resources';

export const LANGS = ['zh-CN', 'en-US'] as const;
export type TLang = (typeof LANGS)[number];
const STORAGE_KEY = 'baoke.lang';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN };
  }
}

function initialLang(): TLang {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return stored === 'en-US' ? 'en-US' : 'zh-CN';
}

const DAYJS_LOCALE: Record<TLang, string> = { 'zh-CN': 'zh-cn', 'en-US': 'en' };

function applyLang(lang: TLang) {
  dayjs.locale(DAYJS_LOCALE[lang]);
  // Also imported by unit tests under Node, where there is no document.
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

const lang = initialLang();
applyLang(lang);
void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, 'en-US': { translation: enUS } },
  lng: lang,
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

/** Switches i18next, dayjs and `<html lang>`; antd follows via the LocaleProvider listening to i18next. */
export async function setLang(next: TLang): Promise<void> {
  if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, next);
  applyLang(next);
  await i18n.changeLanguage(next);
}

export function currentLang(): TLang {
  return i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
}

/** The half of a bilingual server message (`中文 / English`) for the current language. */
export function localize(message: string, lang: TLang = currentLang()): string {
  return localizeMessage(message, lang);
}

export default i18n;
