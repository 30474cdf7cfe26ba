import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Actor } from '../../platform/rbac.js';
import type { PortalActor } from '../../platform/owner.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { audienceOfIds } from '../messaging/service.js';
import { actorFor, seedConsent, seedCustomer, seedVehicle } from '../messaging/fixtures.js';
import { messages } from '../messaging/schema.js';
import { normalizeCode } from './rules.js';
import { coupons, loyaltyMultipliers } from './schema.js';

let env: TestEnv;
let org: SeededOrg;
let store1: string;
const as = (username: string): Actor => actorFor(org.staff.get(username)!);
const ownerOf = (c: { id: string; storeId: string }): PortalActor => ({ customerId: c.id, storeId: c.storeId, sessionId: '00000000-0000-7000-8000-000000000000' });

beforeAll(async () => {
  env = await createTestEnv({ now: '2026-11-23T02:00:00Z' });
  org = await seedDemoOrg(env.ctx.db);
  store1 = org.stores[0]!.id;
});
afterAll(() => env.close());

async function closedRo(customer: { id: string; storeId: string }, kind: 'maintenance' | 'warranty', totalFen: number) {
  const v = await seedVehicle(env.ctx.db, customer);
  const ro = await env.ctx.services.serviceOrders.create(as('service1'), { vehicleId: v.id, kind, labourFen: totalFen / 2, partsFen: totalFen / 2 });
  await env.ctx.services.serviceOrders.addStage(as('service1'), ro.id, { stage: 'delivered' });
  return ro;
}

const balance = async (customerId: string) => (await env.ctx.services.loyalty.getAccount(SYSTEM_ACTOR, customerId)).balance;

describe('earning from events', () => {
  it('credits ¥1 = 1 point per closed maintenance RO, nothing for warranty, double in a campaign, once per event', async () => {
    const svc = env.ctx.services.loyalty;
    const c = await seedCustomer(env.ctx.db, store1);
    await closedRo(c, 'maintenance', 123_456); // ¥1,234.56 → 1234 points
    await closedRo(c, 'warranty', 500_000);
    await svc.processEvents();
    expect(await balance(c.id)).toBe(1234);
    await env.ctx.db.insert(loyaltyMultipliers).values({ name: '双倍积分周', factorX100: 200, source: 'repair_order', startsAt: new Date('2026-11-20T00:00:00Z'), endsAt: new Date('2026-11-30T00:00:00Z') });
    await closedRo(c, 'maintenance', 10_000); // ¥100 ×2 → 200
    await svc.processEvents();
    await svc.processEvents();
    expect(await balance(c.id)).toBe(1434);
    await env.ctx.db.delete(loyaltyMultipliers);
    expect(await svc.reconcile([c.id])).toEqual([]);
  });
});

describe('rewards and coupons', () => {
  it('redeems a reward: points deducted and a coupon issued together; stock, per-customer limit and tier enforced', async () => {
    const svc = env.ctx.services.loyalty;
    const c = await seedCustomer(env.ctx.db, store1);
    await svc.adjust(as('manager1'), c.id, { points: 5000, reason: '活动补发' });
    const rw = await svc.createReward(as('admin'), { storeId: null, kind: 'labour_voucher', name: '¥100 工时券', description: '', pointsCost: 1000, valueFen: 10_000, stock: 2, validDays: 90, availableFrom: null, availableUntil: null, minTierRank: 0, perCustomerLimit: 1, active: true });
    const r1 = await svc.ownerRedeem(ownerOf(c), rw.id, 'k1');
    expect(r1.coupon).toMatchObject({ title: '¥100 工时券', valueFen: 10_000, state: 'issued' });
    expect(normalizeCode(r1.coupon!.display)).toBe(r1.coupon!.code);
    expect(r1.balance).toBe(4000);
    const again = await svc.ownerRedeem(ownerOf(c), rw.id, 'k1');
    expect(again).toMatchObject({ duplicate: true, redemptionId: r1.redemptionId });
    await expect(svc.ownerRedeem(ownerOf(c), rw.id, 'k2')).rejects.toMatchObject({ code: 'limit-reached' });
    const vip = await svc.createReward(as('admin'), { storeId: null, kind: 'perk', name: '咖啡', description: '', pointsCost: 100, valueFen: 0, stock: null, validDays: 30, availableFrom: null, availableUntil: null, minTierRank: 2, perCustomerLimit: null, active: true });
    await expect(svc.ownerRedeem(ownerOf(c), vip.id, 'k3')).rejects.toMatchObject({ code: 'tier-too-low' });
    expect(await balance(c.id)).toBe(4000);
    expect(await svc.reconcile([c.id])).toEqual([]);
  });

  it('redeems a coupon exactly once under 100 parallel attempts', async () => {
    const svc = env.ctx.services.loyalty;
    const c = await seedCustomer(env.ctx.db, store1);
    const v = await seedVehicle(env.ctx.db, c);
    const ro = await env.ctx.services.serviceOrders.create(as('service1'), { vehicleId: v.id, kind: 'maintenance', labourFen: 1000, partsFen: 0 });
    const cp = await svc.issueCouponStaff(as('manager1'), { customerId: c.id, title: '保养券', valueFen: 50_000, validDays: 30, source: 'campaign' });
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => svc.redeemCoupon(as(i % 2 ? 'service1' : 'manager1'), cp.display.toLowerCase(), ro.id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const reasons = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { status: number }).status] : []));
    expect(new Set(reasons)).toEqual(new Set([409]));
    const [row] = await env.ctx.db.select().from(coupons).where(eq(coupons.id, cp.id));
    expect(row).toMatchObject({ status: 'redeemed', repairOrderId: ro.id });
    // A typo is caught by the check character before the database is asked.
    const typo = cp.code.slice(0, 5) + (cp.code[5] === 'A' ? 'B' : 'A') + cp.code.slice(6);
    await expect(svc.redeemCoupon(as('service1'), typo, ro.id)).rejects.toMatchObject({ status: 400 });
  });

  it('issues coupons and points for a journey audience once per firing key; compensates a complaint once', async () => {
    const svc = env.ctx.services.loyalty;
    const a = await seedCustomer(env.ctx.db, store1);
    const b = await seedCustomer(env.ctx.db, store1);
    const audience = audienceOfIds([a.id, b.id], { firingKeyPrefix: 'birthday:2026:' });
    const first = await env.ctx.db.transaction((tx) => svc.issueCouponsForAudience(tx, { audience, coupon: { title: '生日保养券', valueFen: 50_000, validDays: 30 }, source: 'journey' }));
    const second = await env.ctx.db.transaction((tx) => svc.issueCouponsForAudience(tx, { audience, coupon: { title: '生日保养券', valueFen: 50_000, validDays: 30 }, source: 'journey' }));
    expect([first.issued, second.issued]).toEqual([2, 0]);
    const mine = await svc.ownerCoupons(ownerOf(a), { limit: 10 });
    expect(mine.items[0]).toMatchObject({ title: '生日保养券', state: 'issued' });
    expect(normalizeCode(mine.items[0]!.code)).toBe(mine.items[0]!.code);
    expect(mine.items[0]!.qr).toMatch(/^data:image\/svg\+xml;base64,/);
    const p1 = await env.ctx.db.transaction((tx) => svc.awardPointsForAudience(tx, { audience, points: 300, reason: '生日积分' }));
    const p2 = await env.ctx.db.transaction((tx) => svc.awardPointsForAudience(tx, { audience, points: 300, reason: '生日积分' }));
    expect([p1.credited, p2.credited]).toEqual([2, 0]);
    expect(await balance(a.id)).toBe(300);
    const complaintId = '01900000-0000-7000-8000-000000000001';
    await env.ctx.db.transaction((tx) => svc.compensate(tx, { complaintId, customerId: a.id, coupon: { title: '致歉券', valueFen: 20_000, validDays: 60 }, points: 100 }));
    await env.ctx.db.transaction((tx) => svc.compensate(tx, { complaintId, customerId: a.id, coupon: { title: '致歉券', valueFen: 20_000, validDays: 60 }, points: 100 }));
    expect(await balance(a.id)).toBe(400);
    expect((await svc.ownerCoupons(ownerOf(a), { limit: 10 })).items).toHaveLength(2);
    expect(await svc.reconcile([a.id, b.id])).toEqual([]);
  });

  it('donates to a charity project with a running total', async () => {
    const svc = env.ctx.services.loyalty;
    const c = await seedCustomer(env.ctx.db, store1);
    await svc.adjust(as('manager1'), c.id, { points: 800, reason: '测试' });
    const ch = await svc.createReward(as('admin'), { storeId: null, kind: 'charity', name: '乡村学校图书角', description: '', pointsCost: 1, valueFen: 0, stock: null, validDays: 1, availableFrom: null, availableUntil: null, minTierRank: 0, perCustomerLimit: null, active: true });
    const d = await svc.ownerDonate(ownerOf(c), ch.id, 300, 'd1');
    await svc.ownerDonate(ownerOf(c), ch.id, 300, 'd1');
    expect(d).toMatchObject({ balance: 500, donatedPoints: 300 });
    const [r] = (await svc.ownerRewards(ownerOf(c))).filter((x) => x.id === ch.id);
    expect(r!.donatedPoints).toBe(300);
  });
});

describe('expiry notice and reports', () => {
  it('sends one notice 30 days before points expire and reports the liability by store and month', async () => {
    const svc = env.ctx.services.loyalty;
    const c = await seedCustomer(env.ctx.db, store1);
    await seedConsent(env.ctx.db, c, 'sms', 'service');
    env.clock.set('2025-03-01T02:00:00Z');
    await svc.adjust(as('manager1'), c.id, { points: 700, reason: '历史积分' });
    env.clock.set('2026-12-10T02:00:00Z');
    expect((await svc.noticeExpiring()).customers).toBeGreaterThanOrEqual(1);
    await svc.noticeExpiring();
    const sent = await env.ctx.db.select().from(messages).where(eq(messages.customerId, c.id));
    expect(sent.map((m) => m.channel).sort()).toEqual(['inbox', 'sms']);
    expect(sent.find((m) => m.channel === 'sms')!.body).toContain('700积分将于2026-12-31到期');
    const rep = await svc.liabilityReport(as('manager1'), {});
    expect(rep.rows.find((r) => r.month === '2025-03')).toMatchObject({ points: expect.any(Number) as number });
    env.clock.set('2027-01-01T02:00:00Z');
    await svc.expirePoints();
    expect(await balance(c.id)).toBe(0);
    env.clock.set('2026-11-23T02:00:00Z');
    const rate = await svc.redemptionRateReport(as('admin'), { months: 12 });
    expect(rate.redeemed).toBeGreaterThanOrEqual(1);
  });
});

describe('referrals', () => {
  it('follows a referred friend from sign-up to delivery and pays both rewards once', async () => {
    const refs = env.ctx.services.referrals;
    const svc = env.ctx.services.loyalty;
    const referrer = await seedCustomer(env.ctx.db, store1);
    const link = await refs.ownerReferral(ownerOf(referrer));
    await expect(refs.signupViaLink({ code: link.code, friendName: '自己', friendMobile: referrer.mobile!, interestedModel: '' })).rejects.toMatchObject({ code: 'self-referral' });
    await refs.signupViaLink({ code: link.code, friendName: '张伟', friendMobile: '13911112222', interestedModel: 'SUV' });
    await expect(refs.signupViaLink({ code: link.code, friendName: '张伟', friendMobile: '139 1111 2222', interestedModel: '' })).rejects.toMatchObject({ status: 409 });
    const [r] = (await refs.list(as('sales1'), { referrerCustomerId: referrer.id, limit: 10 })).items;
    await refs.setStatus(as('sales1'), r!.id, { status: 'test_drive' });
    const friend = await seedCustomer(env.ctx.db, store1, { name: '张伟', mobile: '+8613911112222' });
    const order = await env.ctx.services.sales.create(as('sales1'), { customerId: friend.id, priceFen: 20_000_000, referrerCustomerId: referrer.id });
    await refs.processEvents();
    expect((await refs.ownerReferral(ownerOf(referrer))).referrals[0]).toMatchObject({ status: 'ordered', statusLabel: '已订车', friendName: '张*' });
    await env.ctx.services.sales.addMilestone(as('sales1'), order.id, { milestone: 'delivered' });
    await refs.processEvents();
    await refs.processEvents();
    await svc.processEvents();
    const done = (await refs.list(as('sales1'), { referrerCustomerId: referrer.id, limit: 10 })).items[0]!;
    expect(done).toMatchObject({ status: 'delivered', rewardRank: 1 });
    const referrerCoupons = await svc.ownerCoupons(ownerOf(referrer), { limit: 10 });
    expect(referrerCoupons.items.map((x) => x.title)).toEqual(['推荐奖励·保养券']);
    const friendCoupons = await svc.ownerCoupons(ownerOf(friend), { limit: 10 });
    expect(friendCoupons.items.map((x) => [x.title, x.valueFen])).toEqual([['推荐购车优惠', 300_000]]);
    expect(await balance(referrer.id)).toBe(2000);
    const board = await refs.leaderboard(as('manager1'), { month: '2026-11' });
    expect(board.rows[0]).toMatchObject({ customerId: referrer.id, delivered: 1 });
    const n = await env.ctx.db.execute<{ n: number }>(sql`select count(*)::int as n from coupons where issue_key like ${`referral:${done.id}:%`}`);
    expect(n.rows[0]!.n).toBe(2);
  });
});

describe('customer merge', () => {
  it('moves the points with their expiry and the coupons to the survivor; both ledgers still reconcile; a replay moves nothing twice', async () => {
    const svc = env.ctx.services.loyalty;
    const survivor = await seedCustomer(env.ctx.db, store1);
    const dup = await seedCustomer(env.ctx.db, store1);
    await svc.adjust(as('manager1'), survivor.id, { points: 300, reason: '开卡礼' });
    // Two lots on the duplicate, earned in different years (so they expire at different times), partly spent.
    env.clock.set('2025-06-01T02:00:00Z');
    await svc.adjust(as('manager1'), dup.id, { points: 1000, reason: '老积分' });
    env.clock.set('2026-11-23T02:00:00Z');
    await svc.adjust(as('manager1'), dup.id, { points: 500, reason: '新积分' });
    await svc.adjust(as('manager1'), dup.id, { points: -400, reason: '兑换' });
    const lotsBefore = await env.ctx.db.execute<{ remaining: number; expires_at: string }>(
      sql`select remaining, expires_at::text from loyalty_lots where customer_id = ${dup.id} and remaining > 0 order by expires_at`,
    );
    expect(lotsBefore.rows.map((l) => l.remaining)).toEqual([600, 500]);
    await svc.issueCouponsForAudience(env.ctx.db, { audience: audienceOfIds([dup.id], { firingKeyPrefix: 'merge-test:' }), coupon: { title: '保养券', valueFen: 50_000, validDays: 30 }, source: 'campaign' });

    await env.ctx.services.customers.merge(as('manager1'), survivor.id, dup.id);

    expect(await balance(survivor.id)).toBe(300 + 1100);
    const lotsAfter = await env.ctx.db.execute<{ remaining: number; expires_at: string }>(
      sql`select lo.remaining, lo.expires_at::text from loyalty_lots lo join loyalty_ledger le on le.id = lo.id
          where lo.customer_id = ${survivor.id} and le.ref_type = 'customer' and le.ref_id = ${dup.id}::text order by lo.expires_at`,
    );
    expect(lotsAfter.rows).toEqual(lotsBefore.rows);
    const src = await env.ctx.db.execute<{ balance: number }>(sql`select balance from loyalty_accounts where customer_id = ${dup.id}`);
    expect(src.rows[0]!.balance).toBe(0);
    expect(await svc.reconcile([survivor.id, dup.id])).toEqual([]);
    expect((await env.ctx.db.select().from(coupons).where(eq(coupons.customerId, survivor.id))).map((c) => c.title)).toContain('保养券');
    expect(await env.ctx.db.select().from(coupons).where(eq(coupons.customerId, dup.id))).toEqual([]);

    // The reassignment again (a retried job, a second merge attempt) changes nothing.
    await env.ctx.db.transaction((tx) => svc.reassignCustomer(tx, dup.id, survivor.id));
    expect(await balance(survivor.id)).toBe(1400);
    expect(await svc.reconcile([survivor.id, dup.id])).toEqual([]);
  });
});
