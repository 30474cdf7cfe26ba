import { useTranslation } from 'react-i18next';
import type { TLang } from '../i18n';

/** The UI language, re-rendering on a switch. */
export function useLang(): TLang {
  const { i18n } = useTranslation();
  return i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
}
