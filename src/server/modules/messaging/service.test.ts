import { and, eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { customerConsents, customers } from '../customers/schema.js';
import { stores } from '../org/schema.js';
import { outboxAdapter } from './adapters.js';
import { seedConsent, seedCustomer, seedVehicle } from './fixtures.js';
import { messages, messageUnsubscribeTokens } from './schema.js';
import { audienceOfIds, type TMessagingService } from './service.js';

let env: TestEnv;
let org: SeededOrg;
let svc: TMessagingService;
let store1: string;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** 10:00 in Shanghai (UTC+8), outside quiet hours. */
const MORNING = '2026-11-23T02:00:00Z';

beforeAll(async () => {
  env = await createTestEnv({ now: MORNING });
  org = await seedDemoOrg(env.ctx.db);
  svc = env.ctx.services.messaging;
  store1 = org.stores[0]!.id;
  await svc.createTemplate(SYSTEM_ACTOR, { code: 'care', name: '关怀', channel: 'sms', purpose: 'service', locale: 'zh-CN', body: '{{客户姓名}}您好，您的爱车{{车牌}}保险将于{{到期日期}}到期。{{门店名称}}' });
  await svc.createTemplate(SYSTEM_ACTOR, { code: 'promo', name: '促销', channel: 'sms', purpose: 'marketing', locale: 'zh-CN', body: '{{客户姓名}}，冬季保养 8 折。' });
  await svc.createTemplate(SYSTEM_ACTOR, { code: 'promo', name: '促销邮件', channel: 'email', purpose: 'marketing', locale: 'zh-CN', subject: '冬季关怀', body: '{{客户姓名}}，冬季保养 8 折。' });
  await Promise.all(Array.from({ length: 6 }, () => env.ctx.db.execute(sql`select pg_sleep(0.05)`)));
});
afterAll(() => env.close());
beforeEach(() => env.clock.set(MORNING));

const msg = async (id: string) => (await env.ctx.db.select().from(messages).where(eq(messages.id, id)))[0]!;
const marketingSms = (customerId: string, extra: object = {}) => svc.enqueueMessage(env.ctx.db, { customerId, channel: 'sms', templateCode: 'promo', ...extra });

describe('the gate: consent', () => {
  it('suppresses marketing without marketing consent, and lets a service notice through on a service relationship', async () => {
    const db = env.ctx.db;
    const c = await seedCustomer(db, store1, { name: '王先生' });
    await seedVehicle(db, c);
    const m = await marketingSms(c.id);
    expect(m).toMatchObject({ status: 'suppressed', suppressionReason: 'no_consent' });
    const s = await svc.enqueueMessage(db, { customerId: c.id, channel: 'sms', templateCode: 'care', vars: { 到期日期: '2026-12-31' } });
    expect(s).toMatchObject({ status: 'queued', suppressionReason: null });
    const row = await msg(s.id);
    expect(row.body).toMatch(/^王先生您好，您的爱车京A·\d{5}保险将于2026-12-31到期。华辰领航北京亦庄店$/);
    // the suppressed one is kept, rendered, with its reason
    expect((await msg(m.id)).body).toBe('王先生，冬季保养 8 折。');
  });

  it('suppresses a service notice to someone with no car, no repair order and no service consent', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    expect(await svc.enqueueMessage(env.ctx.db, { customerId: c.id, channel: 'sms', templateCode: 'care' })).toMatchObject({ status: 'suppressed', suppressionReason: 'no_consent' });
    await seedConsent(env.ctx.db, c, 'sms', 'service');
    expect(await svc.enqueueMessage(env.ctx.db, { customerId: c.id, channel: 'sms', templateCode: 'care' })).toMatchObject({ status: 'queued' });
  });

  it('needs consent for the channel asked for, and an address on it', async () => {
    const c = await seedCustomer(env.ctx.db, store1, { email: null });
    await seedConsent(env.ctx.db, c, 'wechat', 'marketing');
    expect(await marketingSms(c.id)).toMatchObject({ status: 'suppressed', suppressionReason: 'no_consent' });
    await seedConsent(env.ctx.db, c, 'email', 'marketing');
    expect(await svc.enqueueMessage(env.ctx.db, { customerId: c.id, channel: 'email', templateCode: 'promo' })).toMatchObject({ status: 'suppressed', suppressionReason: 'no_address' });
  });
});

describe('the gate: quiet hours in the store time zone', () => {
  it('defers a send at 22:30 Shanghai time to 08:00 the next morning', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    await seedVehicle(env.ctx.db, c);
    env.clock.set('2026-11-23T14:30:00Z'); // 22:30 in Shanghai
    const m = await svc.enqueueMessage(env.ctx.db, { customerId: c.id, channel: 'sms', templateCode: 'care' });
    expect(m).toMatchObject({ status: 'deferred', suppressionReason: 'quiet_hours' });
    const row = await msg(m.id);
    expect(row.scheduledAt.toISOString()).toBe('2026-11-24T00:00:00.000Z'); // 08:00 on the 24th in Shanghai
    // the sender leaves it alone until then, and sends it at 08:00
    expect((await svc.dispatchDue()).sent).toBe(0);
    env.clock.set('2026-11-24T00:00:00Z');
    await svc.dispatchDue();
    expect(await msg(m.id)).toMatchObject({ status: 'sent', provider: 'outbox' });
  });

  it('sends at 20:59 and defers a message asked for at 03:00 to 08:00 the same morning', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    await seedVehicle(env.ctx.db, c);
    env.clock.set('2026-11-23T12:59:00Z'); // 20:59
    expect(await svc.enqueueMessage(env.ctx.db, { customerId: c.id, channel: 'sms', templateCode: 'care' })).toMatchObject({ status: 'queued' });
    env.clock.set('2026-11-23T19:00:00Z'); // 03:00 on the 24th
    const m = await svc.enqueueMessage(env.ctx.db, { customerId: c.id, channel: 'sms', templateCode: 'care' });
    expect((await msg(m.id)).scheduledAt.toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });

  it("judges by the customer's store's own time zone and settings", async () => {
    const db = env.ctx.db;
    const store3 = org.stores[2]!.id;
    await db.update(stores).set({ timezone: 'Asia/Urumqi' }).where(eq(stores.id, store3)); // UTC+6
    try {
      const c = await seedCustomer(db, store3);
      await seedVehicle(db, c);
      env.clock.set('2026-11-23T14:30:00Z'); // 22:30 in Shanghai, 20:30 in Urumqi
      expect(await svc.enqueueMessage(db, { customerId: c.id, channel: 'sms', templateCode: 'care' })).toMatchObject({ status: 'queued' });
      // the store moves its quiet hours to start at 20:00
      await svc.putSettings(SYSTEM_ACTOR, store3, { quietStart: '20:00', quietEnd: '09:00', marketingCap: 2, capWindowDays: 7, maxAttempts: 5 });
      const m = await svc.enqueueMessage(db, { customerId: c.id, channel: 'sms', templateCode: 'care' });
      expect(m.status).toBe('deferred');
      expect((await msg(m.id)).scheduledAt.toISOString()).toBe('2026-11-24T03:00:00.000Z'); // 09:00 in Urumqi
    } finally {
      await db.update(stores).set({ timezone: 'Asia/Shanghai' }).where(eq(stores.id, store3));
    }
  });
});

describe('the gate: frequency cap', () => {
  it('suppresses the 3rd marketing message within 7 days and lets the next one through once the window has passed', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    await seedConsent(env.ctx.db, c, 'sms', 'marketing');
    const t0 = new Date(MORNING).getTime();
    env.clock.set(new Date(t0));
    expect((await marketingSms(c.id)).status).toBe('queued');
    await svc.dispatchDue(); // one sent, one queued: both count
    env.clock.set(new Date(t0 + DAY));
    expect((await marketingSms(c.id)).status).toBe('queued');
    env.clock.set(new Date(t0 + 2 * DAY));
    expect(await marketingSms(c.id)).toMatchObject({ status: 'suppressed', suppressionReason: 'frequency_cap' });
    // service notices are never capped
    await seedVehicle(env.ctx.db, c);
    expect((await svc.enqueueMessage(env.ctx.db, { customerId: c.id, channel: 'sms', templateCode: 'care' })).status).toBe('queued');
    env.clock.set(new Date(t0 + 7 * DAY + HOUR)); // the first is out of every 7-day window that holds this one
    expect((await marketingSms(c.id)).status).toBe('queued');
    env.clock.set(new Date(t0 + 7 * DAY + 2 * HOUR));
    expect((await marketingSms(c.id)).suppressionReason).toBe('frequency_cap');
  });

  it('counts across channels', async () => {
    const c = await seedCustomer(env.ctx.db, store1, { email: 'li@example.com' });
    await seedConsent(env.ctx.db, c, 'sms', 'marketing');
    await seedConsent(env.ctx.db, c, 'email', 'marketing');
    await marketingSms(c.id);
    await svc.enqueueMessage(env.ctx.db, { customerId: c.id, channel: 'email', templateCode: 'promo' });
    expect((await marketingSms(c.id)).suppressionReason).toBe('frequency_cap');
  });

  it('holds under parallel sends to one customer', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    await seedConsent(env.ctx.db, c, 'sms', 'marketing');
    const results = await Promise.all(Array.from({ length: 5 }, () => marketingSms(c.id)));
    expect(results.filter((r) => r.status === 'queued')).toHaveLength(2);
    expect(results.filter((r) => r.suppressionReason === 'frequency_cap')).toHaveLength(3);
  });

  it('property: no 7-day window ever holds more than the cap of sent + waiting marketing messages', async () => {
    const db = env.ctx.db;
    const cap = 2;
    const step = fc.record({
      advanceMinutes: fc.integer({ min: 0, max: 4 * 24 * 60 }),
      dispatch: fc.boolean(),
      channel: fc.constantFrom('sms' as const, 'email' as const),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 10 }), fc.integer({ min: 0, max: 24 * 60 - 1 }), async (steps, startMinute) => {
        const c = await seedCustomer(db, store1, { email: 'p@example.com' });
        await seedConsent(db, c, 'sms', 'marketing');
        await seedConsent(db, c, 'email', 'marketing');
        let t = new Date('2026-11-23T00:00:00Z').getTime() + startMinute * 60_000;
        for (const s of steps) {
          t += s.advanceMinutes * 60_000;
          env.clock.set(new Date(t));
          if (s.dispatch) await svc.dispatchDue();
          await svc.enqueueMessage(db, { customerId: c.id, channel: s.channel, templateCode: 'promo' });
        }
        const rows = await db
          .select({ at: messages.scheduledAt })
          .from(messages)
          .where(and(eq(messages.customerId, c.id), sql`${messages.status} in ('queued', 'deferred', 'sent')`));
        const times = rows.map((r) => r.at.getTime()).sort((a, b) => a - b);
        for (let i = 0; i < times.length; i++) {
          const inWindow = times.filter((x) => x >= times[i]! && x < times[i]! + 7 * DAY).length;
          if (inWindow > cap) return false;
        }
        return true;
      }),
      { numRuns: 25 },
    );
  });
});

describe('firing keys', () => {
  it('two parallel enqueues with the same key make one message', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    await seedVehicle(env.ctx.db, c);
    const key = `insurance:2026:${c.id}`;
    const both = await Promise.all([0, 1].map(() => env.ctx.db.transaction((tx) => svc.enqueueMessage(tx, { customerId: c.id, channel: 'sms', templateCode: 'care', firingKey: key }))));
    expect(both[0]!.id).toBe(both[1]!.id);
    expect(both.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(await env.ctx.db.select().from(messages).where(eq(messages.firingKey, key))).toHaveLength(1);
  });
});

describe('enqueueForAudience', () => {
  it('gates and renders a whole audience in one statement, and a re-run adds nothing', async () => {
    const db = env.ctx.db;
    const a = await seedCustomer(db, store1, { name: '赵一' });
    const b = await seedCustomer(db, store1, { name: '钱二' });
    const c = await seedCustomer(db, store1, { name: '孙三', mobile: null });
    for (const x of [a, b, c]) await seedConsent(db, x, 'sms', 'marketing');
    await seedConsent(db, b, 'sms', 'marketing', false);
    const audience = audienceOfIds([a.id, b.id, c.id, a.id], { firingKeyPrefix: 'winter:2026' });
    const first = await svc.enqueueForAudience(db, { audience, channel: 'sms', purpose: 'marketing', templateCode: 'promo', sourceRuleId: '0190a0a0-0000-7000-8000-000000000001' });
    expect(first).toEqual({ inserted: 3, queued: 1, deferred: 0, suppressed: 2, byReason: { no_consent: 1, no_address: 1 } });
    const again = await svc.enqueueForAudience(db, { audience, channel: 'sms', purpose: 'marketing', templateCode: 'promo' });
    expect(again.inserted).toBe(0);
    const [ma] = await db.select().from(messages).where(eq(messages.firingKey, `winter:2026:${a.id}`));
    expect(ma!.body).toMatch(/^赵一，冬季保养 8 折。\n退订请点击 http:\/\/localhost:\d+\/api\/v1\/public\/unsubscribe\/[0-9a-f]{64}$/);
    expect(ma!.sourceRuleId).toBe('0190a0a0-0000-7000-8000-000000000001');
  });

  it('fills per-row and constant variables', async () => {
    const db = env.ctx.db;
    const a = await seedCustomer(db, store1, { name: '周四' });
    await seedVehicle(db, a, { plate: '京B·88888' });
    const audience = sql`select ${a.id}::uuid as customer_id, null::uuid as vehicle_id, null::text as firing_key, jsonb_build_object('到期日期', '2027-01-15', '礼品', '玻璃水') as vars`;
    await svc.createTemplate(SYSTEM_ACTOR, { code: 'gift', name: '礼品', channel: 'sms', purpose: 'service', locale: 'zh-CN', body: '{{客户姓名}} {{车牌}} {{到期日期}} {{礼品}} {{优惠}} {{未知}}' });
    const r = await svc.enqueueForAudience(db, { audience, channel: 'sms', purpose: 'service', templateCode: 'gift', vars: { 优惠: '¥500' }, rowVarKeys: ['礼品'] });
    expect(r.queued).toBe(1);
    const [m] = await db.select().from(messages).where(and(eq(messages.customerId, a.id)));
    expect(m!.body).toBe('周四 京B·88888 2027-01-15 玻璃水 ¥500 ');
  });
});

describe('sending', () => {
  it('retries a failing provider with backoff, then marks the message failed and keeps it; a retry from the console sends it', async () => {
    const db = env.ctx.db;
    const c = await seedCustomer(db, store1);
    await seedVehicle(db, c);
    let calls = 0;
    svc.setAdapter({
      channel: 'wechat',
      provider: 'flaky',
      send: async () => {
        calls++;
        throw new Error('gateway 503');
      },
    });
    await svc.createTemplate(SYSTEM_ACTOR, { code: 'care', name: '关怀', channel: 'wechat', purpose: 'service', locale: 'zh-CN', body: '{{客户姓名}}您好' });
    await db.update(customers).set({ wechatOpenid: 'oAbCdEfGh123' }).where(eq(customers.id, c.id));
    const m = await svc.enqueueMessage(db, { customerId: c.id, channel: 'wechat', templateCode: 'care' });
    const t0 = new Date(MORNING).getTime();
    // (other tests' messages may be due too: assertions look at this one message)
    let r = await svc.dispatchDue();
    expect(r.retrying).toBe(1);
    let row = await msg(m.id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, lastError: 'gateway 503', provider: 'flaky' });
    expect(row.nextAttemptAt!.getTime()).toBe(t0 + 60_000);
    // not yet due: left alone
    await svc.dispatchDue();
    expect((await msg(m.id)).attempts).toBe(1);
    // 1, 2, 4, 8 minutes later: attempts 2 to 5, the last one gives up
    const waits = [60_000, 120_000, 240_000, 480_000];
    let t = t0;
    for (const w of waits) {
      expect((await msg(m.id)).nextAttemptAt!.getTime()).toBe(t + w);
      t += w;
      env.clock.set(new Date(t));
      r = await svc.dispatchDue();
    }
    expect(r.failed).toBe(1);
    row = await msg(m.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 5, lastError: 'gateway 503', nextAttemptAt: null, sentAt: null });
    expect(calls).toBe(5);
    env.clock.set(new Date(t + DAY));
    await svc.dispatchDue();
    expect(calls).toBe(5);
    expect((await msg(m.id)).status).toBe('failed');
    // the provider is fixed; a person retries it
    svc.setAdapter(outboxAdapter('wechat'));
    const again = await svc.retryMessage(SYSTEM_ACTOR, m.id);
    expect(again).toMatchObject({ status: 'queued', attempts: 0 });
    await svc.dispatchDue();
    expect(await msg(m.id)).toMatchObject({ status: 'sent', attempts: 1, provider: 'outbox' });
  });

  it('re-checks consent at send time: a deferred marketing message whose consent was withdrawn overnight is suppressed', async () => {
    const db = env.ctx.db;
    const c = await seedCustomer(db, store1);
    await seedConsent(db, c, 'sms', 'marketing');
    env.clock.set('2026-11-23T15:00:00Z');
    const m = await marketingSms(c.id);
    expect(m.status).toBe('deferred');
    await seedConsent(db, c, 'sms', 'marketing', false);
    env.clock.set('2026-11-24T00:00:00Z');
    await svc.dispatchDue();
    expect(await msg(m.id)).toMatchObject({ status: 'suppressed', suppressionReason: 'no_consent', sentAt: null });
  });

  it('two senders at once never send a message twice', async () => {
    const db = env.ctx.db;
    let sends = 0;
    svc.setAdapter({
      channel: 'inbox',
      provider: 'count',
      send: async (x) => {
        sends++;
        await new Promise((r) => setTimeout(r, 5));
        return { providerMessageId: x.id };
      },
    });
    await svc.createTemplate(SYSTEM_ACTOR, { code: 'note', name: '通知', channel: 'inbox', purpose: 'service', locale: 'zh-CN', body: '您好' });
    const cs = await Promise.all(Array.from({ length: 30 }, () => seedCustomer(db, store1)));
    for (const c of cs) await seedVehicle(db, c);
    await svc.enqueueForAudience(db, { audience: audienceOfIds(cs.map((c) => c.id)), channel: 'inbox', purpose: 'service', templateCode: 'note' });
    await Promise.all([svc.dispatchDue({ batchSize: 7 }), svc.dispatchDue({ batchSize: 7 })]);
    expect(sends).toBe(30);
    const rows = await db.select({ status: messages.status, provider: messages.provider }).from(messages).where(sql`${messages.customerId} in ${cs.map((c) => c.id)}`);
    expect(rows).toEqual(Array.from({ length: 30 }, () => ({ status: 'sent', provider: 'count' })));
    svc.setAdapter(outboxAdapter('inbox'));
  });
});

describe('unsubscribe links', () => {
  it('records the withdrawal as a consent change and later marketing is suppressed as unsubscribed', async () => {
    const db = env.ctx.db;
    const c = await seedCustomer(db, store1);
    await seedConsent(db, c, 'sms', 'marketing');
    const m = await marketingSms(c.id);
    const body = (await msg(m.id)).body;
    const url = /https?:\/\/[^/]+(\/api\/v1\/public\/unsubscribe\/[0-9a-f]{64})$/.exec(body)?.[1];
    expect(url).toBeDefined();
    const res = await env.app.inject({ url: url! });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('退订成功');
    const [consent] = await db.select().from(customerConsents).where(and(eq(customerConsents.customerId, c.id), eq(customerConsents.channel, 'sms'), eq(customerConsents.purpose, 'marketing')));
    expect(consent).toMatchObject({ granted: false, source: '退订链接 / Unsubscribe link' });
    env.clock.set(new Date(new Date(MORNING).getTime() + 10 * DAY));
    expect(await marketingSms(c.id)).toMatchObject({ status: 'suppressed', suppressionReason: 'unsubscribed' });
    // following it again is harmless; a revoked link stops working
    expect((await env.app.inject({ url: url! })).statusCode).toBe(200);
    expect(await svc.revokeUnsubscribeTokens(db, c.id)).toBe(1);
    expect((await env.app.inject({ url: url! })).statusCode).toBe(404);
    expect((await env.app.inject({ url: '/api/v1/public/unsubscribe/0123456789abcdef0123' })).statusCode).toBe(404);
  });

  it('reuses one live token per customer and channel', async () => {
    const db = env.ctx.db;
    const c = await seedCustomer(db, store1);
    await seedConsent(db, c, 'sms', 'marketing');
    await marketingSms(c.id);
    env.clock.set(new Date(new Date(MORNING).getTime() + DAY));
    await marketingSms(c.id);
    expect(await db.select().from(messageUnsubscribeTokens).where(eq(messageUnsubscribeTokens.customerId, c.id))).toHaveLength(1);
  });
});
