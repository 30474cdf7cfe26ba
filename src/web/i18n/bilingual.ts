/**
 * Server and shared-validator messages are bilingual, Chinese first: `手机号已存在 / Mobile already exists`.
 * Show only the half for the UI language, so a Chinese screen carries no English (and vice versa). Shared by the
 * console and the portal (which keep separate i18next instances).
 */
export function localizeMessage(message: string, lang: 'zh-CN' | 'en-US'): string {
  const idx = message.indexOf(' / ');
  if (idx < 0) return message;
  return lang === 'en-US' ? message.slice(idx + 3).trim() : message.slice(0, idx).trim();
}
