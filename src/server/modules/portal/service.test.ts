import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError, RateLimitedError } from '../../platform/errors.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { auditLog } from '../audit/schema.js';
import { customers } from '../customers/schema.js';
import { actorFor, seedConsent, seedCustomer, seedVehicle } from '../messaging/fixtures.js';
import { messages } from '../messaging/schema.js';
import { latestCode, nextIp } from './fixtures.js';
import { codesMatch, hashCode, waitSeconds } from './rules.js';
import { portalLoginCodes, portalSessions } from './schema.js';
import { createPortalService, type TPortalService } from './service.js';

let env: TestEnv;
let org: SeededOrg;
let portal: TPortalService;
let store1: string;
const NOW = '2026-11-23T02:00:00Z';
const MIN = 60_000;
let mobileSeq = 0;
/** A number nobody in the database has. */
const freshMobile = () => `+86170${String(10_000_000 + ++mobileSeq).slice(-8)}`;

async function owner() {
  const c = await seedCustomer(env.ctx.db, store1, { mobile: freshMobile() });
  await seedVehicle(env.ctx.db, c);
  return c as typeof c & { mobile: string };
}

/** The outcome of a call as a client would see it: 'ok', or the error's status and code. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return `${e.status} ${e.code}`;
    throw e;
  }
}

beforeAll(async () => {
  env = await createTestEnv({ now: NOW });
  org = await seedDemoOrg(env.ctx.db);
  portal = env.ctx.services.portal;
  store1 = org.stores[0]!.id;
});
afterAll(() => env.close());
beforeEach(() => env.clock.set(NOW));

describe('requesting a code', () => {
  it('sends an owner a 6-digit code by SMS through the outbox, stored only as a keyed hash', async () => {
    const c = await owner();
    const out = await portal.requestCode(c.mobile, { ip: nextIp() });
    expect(out).toEqual({ resendAfterSeconds: 60, expiresInSeconds: 300, codeLength: 6 });
    const [m] = await env.ctx.db.select().from(messages).where(and(eq(messages.customerId, c.id), like(messages.firingKey, 'portal.sign-in:%')));
    expect(m).toMatchObject({ channel: 'sms', purpose: 'service', status: 'queued', toAddress: c.mobile, requestedByRecipient: true });
    expect(m!.body).toMatch(/^【华辰领航北京亦庄店】您的车主端登录验证码是 \d{6}，5 分钟内有效/);
    const code = (await latestCode(env.ctx.db, c.id))!;
    const [row] = await env.ctx.db.select().from(portalLoginCodes).where(eq(portalLoginCodes.customerId, c.id));
    expect(row!.codeHash).not.toContain(code);
    expect(row!.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(c.mobile);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(5 * MIN);
  });

  it('reaches the owner in quiet hours and despite a refused service SMS: the owner asked for it', async () => {
    const c = await owner();
    await seedConsent(env.ctx.db, c, 'sms', 'service', false);
    env.clock.set('2026-11-23T15:00:00Z'); // 23:00 in Beijing
    await portal.requestCode(c.mobile, { ip: nextIp() });
    const [m] = await env.ctx.db.select().from(messages).where(and(eq(messages.customerId, c.id), like(messages.firingKey, 'portal.sign-in:%')));
    expect(m).toMatchObject({ status: 'queued', suppressionReason: null });
    expect(m!.scheduledAt.toISOString()).toBe('2026-11-23T15:00:00.000Z');
    // …and the sender sends it now, not at 08:00
    const r = await env.ctx.services.messaging.dispatchDue();
    expect(r.sent).toBeGreaterThanOrEqual(1);
    const [after] = await env.ctx.db.select().from(messages).where(eq(messages.id, m!.id));
    expect(after!.status).toBe('sent');
  });

  it('answers an unknown number exactly like a known one, and sends it nothing', async () => {
    const known = await owner();
    const unknown = freshMobile();
    const ip1 = nextIp();
    const ip2 = nextIp();
    const seqKnown: string[] = [];
    const seqUnknown: string[] = [];
    for (const step of [0, 10_000, 61_000, 2 * MIN]) {
      env.clock.set(new Date(Date.parse(NOW) + step));
      seqKnown.push(await outcome(portal.requestCode(known.mobile, { ip: ip1 })));
      seqUnknown.push(await outcome(portal.requestCode(unknown, { ip: ip2 })));
    }
    expect(seqKnown).toEqual(['ok', '429 rate-limited', 'ok', '429 rate-limited']);
    expect(seqUnknown).toEqual(seqKnown);
    const before = await env.ctx.db.select({ n: sql<number>`count(*)::int` }).from(messages).where(like(messages.firingKey, 'portal.sign-in:%'));
    // verifying against the unknown number fails like a wrong code, try for try
    const wrongKnown = await outcome(portal.verifyCode(known.mobile, '000000', {}));
    const wrongUnknown = await outcome(portal.verifyCode(unknown, '000000', {}));
    expect(wrongUnknown).toBe(wrongKnown);
    expect(wrongKnown).toMatch(/^401 code-(invalid|expired)$/);
    const rows = await env.ctx.db.select().from(portalLoginCodes).where(and(sql`${portalLoginCodes.customerId} is null`, eq(portalLoginCodes.ip, ip2)));
    expect(rows.length).toBe(2);
    expect(rows.every((r) => r.codeHash === null)).toBe(true);
    const after = await env.ctx.db.select({ n: sql<number>`count(*)::int` }).from(messages).where(like(messages.firingKey, 'portal.sign-in:%'));
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('limits a number to 1 a minute and 5 an hour, with the wait in words', async () => {
    const c = await owner();
    const ip = nextIp();
    await portal.requestCode(c.mobile, { ip });
    env.clock.advance(20_000);
    const err = await portal.requestCode(c.mobile, { ip }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).extra).toEqual({ retryAfterSeconds: 40 });
    expect((err as Error).message).toBe('获取验证码太频繁，请 40 秒后再试 / Too many code requests, try again in 40 seconds');
    for (let i = 0; i < 4; i++) {
      env.clock.advance(61_000);
      expect(await outcome(portal.requestCode(c.mobile, { ip: nextIp() }))).toBe('ok');
    }
    env.clock.advance(61_000);
    const hourly = await portal.requestCode(c.mobile, { ip: nextIp() }).catch((e: unknown) => e);
    expect((hourly as Error).message).toMatch(/请 \d+ 分钟后再试/);
    // an hour after the first request, one more is allowed
    env.clock.set(new Date(Date.parse(NOW) + 60 * MIN + 1000));
    expect(await outcome(portal.requestCode(c.mobile, { ip: nextIp() }))).toBe('ok');
  });

  it('limits one client address across numbers (5 a minute)', async () => {
    const ip = nextIp();
    const results: string[] = [];
    for (let i = 0; i < 7; i++) results.push(await outcome(portal.requestCode(freshMobile(), { ip })));
    expect(results).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', '429 rate-limited', '429 rate-limited']);
  });

  it('writes the code to the log in demo mode only', async () => {
    const lines: string[] = [];
    const demo = createPortalService({ ...env.ctx.services, db: env.ctx.db, clock: env.clock, config: env.ctx.config, demo: true, log: (m) => lines.push(m) });
    const quiet = createPortalService({ ...env.ctx.services, db: env.ctx.db, clock: env.clock, config: env.ctx.config, demo: false, log: (m) => lines.push(m) });
    const a = await owner();
    await quiet.requestCode(a.mobile, { ip: nextIp() });
    expect(lines).toEqual([]);
    const b = await owner();
    await demo.requestCode(b.mobile, { ip: nextIp() });
    const code = await latestCode(env.ctx.db, b.id);
    expect(lines).toEqual([expect.stringContaining(`170****${b.mobile.slice(-4)}: ${code}`)]);
    await demo.requestCode(freshMobile(), { ip: nextIp() });
    expect(lines).toHaveLength(1);
  });
});

describe('verifying a code', () => {
  it('signs the owner in once per code, audited', async () => {
    const c = await owner();
    await portal.requestCode(c.mobile, { ip: nextIp() });
    const code = (await latestCode(env.ctx.db, c.id))!;
    const s = await portal.verifyCode(c.mobile, code, { ip: '10.1.1.1', userAgent: 'test' });
    expect(s.owner).toMatchObject({ customerId: c.id, storeId: store1 });
    expect(s.expiresAt.getTime() - Date.parse(NOW)).toBe(30 * 86_400_000);
    expect(await outcome(portal.verifyCode(c.mobile, code, {}))).toBe('401 code-expired');
    const [sess] = await env.ctx.db.select().from(portalSessions).where(eq(portalSessions.customerId, c.id));
    expect(sess!.id).not.toBe(s.token);
    expect(sess!.id).toMatch(/^[0-9a-f]{64}$/);
    const [a] = await env.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'portal.sign_in'), eq(auditLog.customerId, c.id)));
    expect(a).toMatchObject({ actorStaffId: null, ip: '10.1.1.1' });
  });

  it('counts wrong tries down and kills the code after 5, even for the right code then', async () => {
    const c = await owner();
    await portal.requestCode(c.mobile, { ip: nextIp() });
    const code = (await latestCode(env.ctx.db, c.id))!;
    const wrong = code === '111111' ? '222222' : '111111';
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const e = (await portal.verifyCode(c.mobile, wrong, {}).catch((x: unknown) => x)) as AppError;
      seen.push(`${e.code}:${String(e.extra?.attemptsLeft)}`);
    }
    expect(seen).toEqual(['code-invalid:4', 'code-invalid:3', 'code-invalid:2', 'code-invalid:1', 'code-expired:0']);
    expect(await outcome(portal.verifyCode(c.mobile, code, {}))).toBe('401 code-expired');
  });

  it('expires a code after 5 minutes, and a new code replaces the old one', async () => {
    const c = await owner();
    const ip = nextIp();
    await portal.requestCode(c.mobile, { ip });
    const first = (await latestCode(env.ctx.db, c.id))!;
    env.clock.advance(5 * MIN);
    expect(await outcome(portal.verifyCode(c.mobile, first, {}))).toBe('401 code-expired');
    await portal.requestCode(c.mobile, { ip });
    const second = (await latestCode(env.ctx.db, c.id))!;
    env.clock.advance(61_000);
    await portal.requestCode(c.mobile, { ip });
    const third = (await latestCode(env.ctx.db, c.id))!;
    if (second !== third) expect(await outcome(portal.verifyCode(c.mobile, second, {}))).toBe('401 code-invalid');
    expect(await outcome(portal.verifyCode(c.mobile, third, {}))).toBe('ok');
  });
});

describe('sessions', () => {
  async function signedIn() {
    const c = await owner();
    await portal.requestCode(c.mobile, { ip: nextIp() });
    return { c, s: await portal.verifyCode(c.mobile, (await latestCode(env.ctx.db, c.id))!, {}) };
  }

  it('resolve to the owner until signed out, revoked, expired or the customer is merged away', async () => {
    const a = await signedIn();
    expect((await portal.resolveSession(a.s.token))?.owner.customerId).toBe(a.c.id);
    expect(await portal.resolveSession('not-a-token')).toBeNull();
    await portal.signOut(a.s.token);
    expect(await portal.resolveSession(a.s.token)).toBeNull();

    const b = await signedIn();
    expect(await portal.revokeSessions(actorFor(org.staff.get('manager2')!), b.c.id).catch((e: AppError) => e.status)).toBe(404);
    expect(await portal.revokeSessions(actorFor(org.staff.get('manager1')!), b.c.id)).toEqual({ revoked: 1 });
    expect(await portal.resolveSession(b.s.token)).toBeNull();

    const c = await signedIn();
    env.clock.advance(30 * 86_400_000 + 1000);
    expect(await portal.resolveSession(c.s.token)).toBeNull();
    env.clock.set(NOW);

    const d = await signedIn();
    await env.ctx.db.update(customers).set({ status: 'merged', mobile: null }).where(eq(customers.id, d.c.id));
    expect(await portal.resolveSession(d.s.token)).toBeNull();
  });

  it('sign out everywhere ends all of the owner’s sessions and no one else’s', async () => {
    const a = await signedIn();
    env.clock.advance(61_000);
    await portal.requestCode(a.c.mobile, { ip: nextIp() });
    const second = await portal.verifyCode(a.c.mobile, (await latestCode(env.ctx.db, a.c.id))!, {});
    const other = await signedIn();
    expect(await portal.signOutEverywhere(a.s.owner)).toBe(2);
    expect(await portal.resolveSession(second.token)).toBeNull();
    expect(await portal.resolveSession(other.s.token)).not.toBeNull();
  });
});

describe('rules', () => {
  it('compares hashes in constant time and never matches a missing one', () => {
    const h = hashCode('k', 'salt', '123456');
    expect(codesMatch(h, hashCode('k', 'salt', '123456'))).toBe(true);
    expect(codesMatch(h, hashCode('k', 'salt', '123457'))).toBe(false);
    expect(codesMatch(h, hashCode('other-key', 'salt', '123456'))).toBe(false);
    expect(codesMatch(null, hashCode('k', 'salt', '123456'))).toBe(false);
    expect(codesMatch(null, Buffer.alloc(32))).toBe(false);
  });
  it('computes the wait from the oldest request still in its window', () => {
    const now = new Date('2026-11-23T02:00:00Z');
    const ago = (s: number) => new Date(now.getTime() - s * 1000);
    expect(waitSeconds([], { perMinute: 1, perHour: 5 }, now)).toBe(0);
    expect(waitSeconds([ago(20)], { perMinute: 1, perHour: 5 }, now)).toBe(40);
    expect(waitSeconds([ago(61)], { perMinute: 1, perHour: 5 }, now)).toBe(0);
    expect(waitSeconds([ago(100), ago(500), ago(900), ago(1300), ago(3000)], { perMinute: 1, perHour: 5 }, now)).toBe(600);
    expect(waitSeconds([ago(1), ago(2), ago(3), ago(4)], { perMinute: 5, perHour: 30 }, now)).toBe(0);
    expect(waitSeconds([ago(1), ago(2), ago(3), ago(4), ago(50)], { perMinute: 5, perHour: 30 }, now)).toBe(10);
  });
});
