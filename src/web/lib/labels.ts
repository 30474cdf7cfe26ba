import { useTranslation } from 'react-i18next';
import { localize } from '../i18n';

/**
 * Translates a stored code (source channel, consent source, outcome) when the console knows it, and shows the stored
 * text itself otherwise (imported or legacy values) — the UI language's half when the system wrote it bilingually
 * (`退订链接 / Unsubscribe link`).
 */
export function useCodeLabel() {
  const { t, i18n } = useTranslation();
  return (group: 'sourceChannels' | 'consentSources' | 'outcomes' | 'behaviourKinds' | 'auditActions' | 'entityTypes', code: string | null | undefined): string => {
    if (!code) return '';
    const key = `${group}.${code}`;
    return i18n.exists(key) ? String(t(key as never)) : localize(code);
  };
}
