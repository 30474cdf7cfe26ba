/**
 * Test helpers for owner-facing routes (any module's): sign an owner in through the real code flow — request a code,
 * read it from the SMS outbox as a person would, verify it — and get the headers later requests need.
 */
import { and, desc, eq, like } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { TDbOrTx } from '../../db/index.js';
import { messages } from '../messaging/schema.js';
import { OWNER_CSRF_COOKIE, OWNER_SESSION_COOKIE } from './session.js';

let ipSeq = 0;
/** A fresh client address per sign-in, so that the per-address code limit never trips a test's setup. */
export const nextIp = () => `10.77.${Math.floor(++ipSeq / 250) % 250}.${(ipSeq % 250) + 1}`;

/** The newest sign-in code in a customer's SMS outbox. */
export async function latestCode(db: TDbOrTx, customerId: string): Promise<string | null> {
  const [m] = await db
    .select({ body: messages.body })
    .from(messages)
    .where(and(eq(messages.customerId, customerId), eq(messages.channel, 'sms'), like(messages.firingKey, 'portal.sign-in:%')))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1);
  return m?.body.match(/\d{6}/)?.[0] ?? null;
}

export type TOwnerHeaders = Record<string, string> & { cookie: string; 'x-csrf-token': string };

/** Signs an owner in through POST /portal/auth/code and /portal/auth/verify; returns the headers of their session. */
export async function signInOwner(app: FastifyInstance, db: TDbOrTx, owner: { id: string; mobile: string | null }, ip = nextIp()): Promise<TOwnerHeaders> {
  const sent = await app.inject({ method: 'POST', url: '/api/v1/portal/auth/code', payload: { mobile: owner.mobile }, remoteAddress: ip });
  if (sent.statusCode !== 202) throw new Error(`code request failed: ${sent.statusCode} ${sent.body}`);
  const code = await latestCode(db, owner.id);
  if (!code) throw new Error('no sign-in code in the outbox');
  const res = await app.inject({ method: 'POST', url: '/api/v1/portal/auth/verify', payload: { mobile: owner.mobile, code }, remoteAddress: ip });
  if (res.statusCode !== 200) throw new Error(`verify failed: ${res.statusCode} ${res.body}`);
  const cookies = res.cookies as { name: string; value: string }[];
  const session = cookies.find((c) => c.name === OWNER_SESSION_COOKIE)!.value;
  const csrf = cookies.find((c) => c.name === OWNER_CSRF_COOKIE)!.value;
  return { cookie: `${OWNER_SESSION_COOKIE}=${session}; ${OWNER_CSRF_COOKIE}=${csrf}`, 'x-csrf-token': csrf };
}
