/** Pure rules of the messaging screens, kept apart from React so they can be tested directly. */
import type { TFunction } from 'i18next';
import { TEMPLATE_LOCALES, TEMPLATE_VARIABLES } from '../../contracts/messaging';
import { dateTime } from '../lib/format';
import type { Message, MessageChannel, MessagePurpose, MessageTemplate, MessagingSettings } from './api';

export type TExplainable = Pick<Message, 'status' | 'suppressionReason' | 'channel' | 'purpose' | 'nextAttemptAt' | 'scheduledAt' | 'sentAt' | 'attempts' | 'createdAt'>;

/**
 * Why a message has its status, in words a service advisor understands: "客户未授权通过短信接收营销消息", "免打扰时段，
 * 延后至 12-02 08:00 发送". The store's settings, when known, put numbers on the frequency cap.
 */
export function explainMessage(t: TFunction, m: TExplainable, settings?: Pick<MessagingSettings, 'marketingCap' | 'capWindowDays'>): string {
  const channel = t(`messaging.channels.${m.channel}`);
  switch (m.status) {
    case 'sent':
      return m.suppressionReason === 'quiet_hours' ? t('messaging.explain.sentAfterQuiet', { at: dateTime(m.sentAt) }) : t('messaging.explain.sent', { at: dateTime(m.sentAt) });
    case 'failed':
      return t('messaging.explain.failed', { attempts: m.attempts });
    case 'deferred':
      return t('messaging.explain.deferred', { at: dateTime(m.nextAttemptAt ?? m.scheduledAt) });
    case 'queued':
      if (m.attempts > 0 && m.nextAttemptAt) return t('messaging.explain.retrying', { attempts: m.attempts, at: dateTime(m.nextAttemptAt) });
      if (new Date(m.scheduledAt).getTime() > new Date(m.createdAt).getTime() + 60_000) return t('messaging.explain.scheduled', { at: dateTime(m.scheduledAt) });
      return t('messaging.explain.queued');
    case 'suppressed':
      switch (m.suppressionReason) {
        case 'no_consent':
          return t(`messaging.explain.no_consent.${m.purpose}`, { channel });
        case 'unsubscribed':
          return t('messaging.explain.unsubscribed', { channel });
        case 'frequency_cap':
          return settings ? t('messaging.explain.frequency_cap', { cap: settings.marketingCap, days: settings.capWindowDays }) : t('messaging.explain.frequency_capPlain');
        case 'no_address':
          return t(`messaging.explain.no_address.${m.channel}`);
        default:
          return t('messaging.statuses.suppressed');
      }
  }
}

/** Puts `token` at the caret of the text area (or at the end) and returns the new text and caret. */
export function insertAt(text: string, token: string, start: number | null | undefined, end: number | null | undefined): { text: string; caret: number } {
  const s = start ?? text.length;
  const e = end ?? s;
  return { text: text.slice(0, s) + token + text.slice(e), caret: s + token.length };
}

const VARIABLE_RE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The distinct `{{names}}` a text uses. */
export function variablesIn(...texts: string[]): string[] {
  return [...new Set(texts.flatMap((s) => [...s.matchAll(VARIABLE_RE)].map((m) => m[1]!)).filter(Boolean))];
}

/** Variables the server has no value for unless the sender gives one. */
const SENDER_VARIABLES = new Set(['到期日期', 'dueDate']);
const CATALOGUE = new Set<string>(TEMPLATE_VARIABLES.flatMap((v) => [v.key, v.alias]));

/**
 * The variables a sender is asked to fill in: the due date, names outside the catalogue, and any the preview found
 * without a value (`asked`, e.g. the plate of a customer without a car) that the text still uses.
 */
export function senderVariables(used: string[], asked: string[]): string[] {
  return [...new Set([...used.filter((n) => SENDER_VARIABLES.has(n) || !CATALOGUE.has(n)), ...asked.filter((n) => used.includes(n))])];
}

/**
 * Hides a group template the customer's store overrides (same code, channel and language): sending by code would
 * pick the store's, so offering both would only confuse.
 */
export function usableTemplates(templates: MessageTemplate[]): MessageTemplate[] {
  const own = new Set(templates.filter((x) => x.storeId).map((x) => `${x.code}|${x.channel}|${x.locale}`));
  return templates.filter((x) => x.storeId || !own.has(`${x.code}|${x.channel}|${x.locale}`));
}

/** One template in all its languages: same code, channel and scope (the group, or one store). */
export interface TemplateFamily {
  key: string;
  code: string;
  channel: MessageChannel;
  purpose: MessagePurpose;
  storeId: string | null;
  versions: MessageTemplate[];
  updatedAt: string;
}

export const TEMPLATE_LOCALE_ORDER = TEMPLATE_LOCALES.map((l) => l.key);

/** Groups templates into families, Chinese version first; each group template is followed by the stores' versions of its code. */
export function templateFamilies(list: MessageTemplate[]): TemplateFamily[] {
  const byKey = new Map<string, TemplateFamily>();
  for (const x of list) {
    const key = `${x.storeId ?? 'group'}|${x.code}|${x.channel}`;
    const f = byKey.get(key) ?? { key, code: x.code, channel: x.channel, purpose: x.purpose, storeId: x.storeId, versions: [], updatedAt: x.updatedAt };
    f.versions.push(x);
    if (x.updatedAt > f.updatedAt) f.updatedAt = x.updatedAt;
    byKey.set(key, f);
  }
  for (const f of byKey.values()) f.versions.sort((a, b) => TEMPLATE_LOCALE_ORDER.indexOf(a.locale) - TEMPLATE_LOCALE_ORDER.indexOf(b.locale));
  return [...byKey.values()].sort((a, b) => a.code.localeCompare(b.code) || a.channel.localeCompare(b.channel) || Number(a.storeId !== null) - Number(b.storeId !== null));
}
