import dayjs from 'dayjs';
import 'dayjs/locale/en';
import 'dayjs/locale/zh-cn';
import i18next from 'i18next';
import { useCallback } from 'react';
import { initReactI18next, useTranslation } from 'react-i18next';
import { localizeMessage } from '../i18n/bilingual';
import type { portalTexts } from './i18n';
import { portalEnUS, portalZhCN } from './resources';

/**
 * The owner portal's own i18next instance and resources (not the console's): the portal bundle carries only its own
 * texts, and each side can grow without the other downloading it. Chinese first; the owner's choice is remembered.
 */
export type TPortalLang = 'zh-CN' | 'en-US';
const STORAGE_KEY = 'baoke.portal.lang';
/** Language names are written in their own language, not translated. */
export const LANG_NAMES: Record<TPortalLang, string> = { 'zh-CN': '简体中文', 'en-US': 'English' };

function initialLang(): TPortalLang {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return stored === 'en-US' ? 'en-US' : 'zh-CN';
}

function applyLang(lang: TPortalLang) {
  dayjs.locale(lang === 'en-US' ? 'en' : 'zh-cn');
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export const portalI18n = i18next.createInstance();
const lang = initialLang();
applyLang(lang);
void portalI18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: portalZhCN }, 'en-US': { translation: portalEnUS } },
  lng: lang,
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

export function currentPortalLang(): TPortalLang {
  return portalI18n.language === 'en-US' ? 'en-US' : 'zh-CN';
}

export async function setPortalLang(next: TPortalLang): Promise<void> {
  if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, next);
  applyLang(next);
  await portalI18n.changeLanguage(next);
}

/** Dotted paths of a text tree: `home.greeting`. */
type Paths<T, P extends string = ''> = { [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Paths<T[K], `${P}${K}.`> }[keyof T & string];
/** Every key of the portal's own texts, e.g. `portal.home.greeting`. */
export type TPortalKey = `portal.${Paths<typeof portalTexts.zh>}`;

/**
 * `t` of the portal instance, typed by the keys of a module (the portal's own by default; a later module passes its
 * own key union). The console's typed `t` does not know these keys, hence the wrapper.
 */
export function usePortalT<K extends string = TPortalKey>() {
  const { t: raw, i18n } = useTranslation();
  const t = useCallback((key: K, vars?: Record<string, string | number>) => (raw as unknown as (k: string, o?: object) => string)(key, vars), [raw]);
  const lang: TPortalLang = i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
  /** The half of a bilingual server message for the current language. */
  const localize = useCallback((message: string) => localizeMessage(message, lang), [lang]);
  return { t, lang, localize };
}
