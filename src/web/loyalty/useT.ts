import { useTranslation } from 'react-i18next';

/** `t` for keys built at run time (`loyalty.settings.sources.${source}`): the typed `t` only takes literals. */
export function useLoyaltyT() {
  const { t, i18n } = useTranslation();
  const tt = t as unknown as (key: string, vars?: Record<string, unknown>) => string;
  return { t, tt, en: i18n.language === 'en-US' };
}
