import messaging from '../messaging/i18n';
import tasks from '../tasks/i18n';
import enCore from './en-US';
import zhCore from './zh-CN';
import segments from '../segments/i18n';
import { appointmentTexts } from '../service/appointments/i18n';
import journeys from '../journeys/i18n';
import loyalty from '../loyalty/i18n';
import voice from '../complaints/i18n';

/**
 * Every text of the console: the shell and foundation screens (`zh-CN.ts` / `en-US.ts`) plus one bundle per later
 * domain, each under its own top-level key. Add a domain by importing its `i18n.ts` and listing it in `DOMAINS`.
 */

const DOMAINS = { tasks, messaging, segments, appointments: appointmentTexts, journeys, loyalty, voice } as const;

type TDomains = typeof DOMAINS;
type TZhDomains = { [K in keyof TDomains]: TDomains[K] extends { zh: infer Z } ? Z : never };
type TEnDomains = { [K in keyof TDomains]: TDomains[K] extends { en: infer E } ? E : never };

function pick<L extends 'zh' | 'en'>(lang: L) {
  return Object.fromEntries(Object.entries(DOMAINS).map(([k, v]) => [k, (v as Record<L, object>)[lang]]));
}

export const zhCN = { ...zhCore, ...(pick('zh') as TZhDomains) };
export const enUS = { ...enCore, ...(pick('en') as TEnDomains) };
export type TResources = typeof zhCN;
