import { TEMPLATE_VARIABLES, type TMessageChannel, type TMessagingSettingsInput } from '../../../contracts/messaging.js';
import { maskMobile } from '../../../contracts/validators.js';

/** What a store without its own settings gets (DOMAIN.md: quiet 21:00–08:00, ≤ 2 marketing messages a week). */
export const DEFAULT_MESSAGING_SETTINGS: TMessagingSettingsInput = {
  quietStart: '21:00',
  quietEnd: '08:00',
  marketingCap: 2,
  capWindowDays: 7,
  maxAttempts: 5,
};

/** The consent source written when an owner follows an unsubscribe link; the gate reports such a refusal as `unsubscribed`. */
export const UNSUBSCRIBE_SOURCE = '退订链接 / Unsubscribe link';

/** The path of the public unsubscribe page (under the API prefix, answered without a session). */
export const UNSUBSCRIBE_PATH = '/api/v1/public/unsubscribe/';

/** Consent channels that an unsubscribe from the portal inbox withdraws (the inbox has no consent channel of its own). */
export const INBOX_CONSENT_CHANNELS = ['sms', 'wechat', 'email'] as const;

/** How long one sender may hold a message before another worker may take it over (a crashed worker's lease). */
export const SEND_LEASE_MS = 5 * 60_000;
/** A provider call that takes longer than this counts as a failure (and is retried). */
export const SEND_TIMEOUT_MS = 30_000;

/**
 * The wait before the next try after `attempts` failed ones: 1 min, 2, 4, 8 … capped at 6 hours, so a provider
 * outage is ridden out without hammering it.
 */
export function backoffMs(attempts: number): number {
  const n = Math.max(1, attempts);
  return Math.min(60_000 * 2 ** (n - 1), 6 * 3600_000);
}

/** An address as a person may see it in the outbox: `138****5678`, `z***@example.com`, `oAbC****`. */
export function maskAddress(channel: TMessageChannel, address: string | null): string | null {
  if (!address) return null;
  if (channel === 'sms' || channel === 'inbox') return maskMobile(address);
  if (channel === 'email') {
    const at = address.lastIndexOf('@');
    if (at <= 0) return '***';
    return `${address[0]}***${address.slice(at)}`;
  }
  return `${address.slice(0, Math.min(4, Math.floor(address.length / 2)))}****`;
}

const VARIABLE_RE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** `{{ 客户姓名 }}` → `{{客户姓名}}`: templates are stored with tight variable names so rendering can match exactly. */
export function normaliseVariables(text: string): string {
  return text.replace(VARIABLE_RE, (_m, name: string) => `{{${name}}}`);
}

/** The distinct variable names a text uses, in order of first use. */
export function variablesOf(...texts: string[]): string[] {
  const out: string[] = [];
  for (const t of texts) {
    for (const m of t.matchAll(VARIABLE_RE)) {
      const name = m[1]!;
      if (name && !out.includes(name)) out.push(name);
    }
  }
  return out;
}

const KNOWN = new Set<string>(TEMPLATE_VARIABLES.flatMap((v) => [v.key, v.alias]));

/** Variables that neither the catalogue nor the given values can fill (a preview shows them as missing). */
export function unknownVariables(names: string[], vars: Record<string, string>): string[] {
  return names.filter((n) => !KNOWN.has(n) && !(n in vars));
}

/** Keys that may appear between `{{` and `}}` and be replaced safely: no braces, bounded. */
export function isVariableName(name: string): boolean {
  return name.length > 0 && name.length <= 50 && !/[{}]/.test(name);
}

/** The absolute unsubscribe URL of a token, for a given public base URL. */
export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${UNSUBSCRIBE_PATH}${token}`;
}
