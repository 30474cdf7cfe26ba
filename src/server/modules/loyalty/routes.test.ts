import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type TRole } from '../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { ALL_ROLES, describeAccessMatrix, type TMatrixRow } from '../../testing/matrix.js';
import { actorFor, seedConsent, seedCustomer, seedVehicle } from '../messaging/fixtures.js';
import { signInOwner } from '../portal/fixtures.js';
import { loyaltyMultipliers, loyaltyRewards } from './schema.js';

const MANAGE: TRole[] = ['group_admin', 'store_manager', 'marketing'];
/** The programme itself (preset, tiers, earn rules) is the group's. */
const PROGRAMME: TRole[] = ['group_admin'];
const ADJUST: TRole[] = ['group_admin', 'store_manager'];
const REPORTS: TRole[] = ['group_admin', 'store_manager', 'marketing'];
const REDEEM: TRole[] = ['group_admin', 'store_manager', 'service'];
const VOID: TRole[] = ['group_admin', 'store_manager'];
const REF_WRITE: TRole[] = ['group_admin', 'store_manager', 'sales', 'marketing'];
const REF_SETTINGS: TRole[] = ['group_admin', 'store_manager', 'marketing'];

interface Ctx {
  env: TestEnv;
  org: SeededOrg;
  store1: string;
  customerId: string;
  tierId: string;
  next(): number;
  freshCoupon(): Promise<{ id: string; code: string }>;
  freshRo(): Promise<string>;
  freshReward(): Promise<string>;
  freshMultiplier(): Promise<string>;
  freshReferral(): Promise<string>;
}

const mobile = (c: Ctx) => `+86135${String(10_000_000 + c.next()).slice(-8)}`;

const rows: TMatrixRow<Ctx>[] = [
  { method: 'GET', path: '/loyalty/config', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/loyalty/config' }) },
  { method: 'PUT', path: '/loyalty/settings', allowed: PROGRAMME, target: 'none', request: () => ({ url: '/loyalty/settings', body: { activePreset: 'explorer', pointValueFen: 1, expiryYears: 1, expiryNoticeDays: 30 } }) },
  { method: 'PATCH', path: '/loyalty/tiers/{id}', allowed: PROGRAMME, target: 'none', request: (c) => ({ url: `/loyalty/tiers/${c.tierId}`, body: { minPoints12m: 3000 } }) },
  { method: 'PUT', path: '/loyalty/earn-rules', allowed: PROGRAMME, target: 'none', request: () => ({ url: '/loyalty/earn-rules', body: [{ source: 'survey', roKind: '', pointsPerYuanX100: 0, fixedPoints: 100, active: true }] }) },
  {
    method: 'POST',
    path: '/loyalty/multipliers',
    allowed: MANAGE,
    target: 'none',
    request: () => ({ url: '/loyalty/multipliers', body: { name: '双倍', factorX100: 200, startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-12-08T00:00:00Z' } }),
  },
  { method: 'DELETE', path: '/loyalty/multipliers/{id}', allowed: MANAGE, request: async (c) => ({ url: `/loyalty/multipliers/${await c.freshMultiplier()}` }) },
  { method: 'GET', path: '/loyalty/accounts/{customerId}', allowed: ALL_ROLES, request: (c) => ({ url: `/loyalty/accounts/${c.customerId}` }) },
  { method: 'GET', path: '/loyalty/accounts/{customerId}/ledger', allowed: ALL_ROLES, request: (c) => ({ url: `/loyalty/accounts/${c.customerId}/ledger` }) },
  { method: 'POST', path: '/loyalty/accounts/{customerId}/adjustments', allowed: ADJUST, request: (c) => ({ url: `/loyalty/accounts/${c.customerId}/adjustments`, body: { points: 10, reason: '矩阵测试' } }) },
  { method: 'GET', path: '/rewards', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/rewards' }) },
  { method: 'POST', path: '/rewards', allowed: MANAGE, target: 'none', request: () => ({ url: '/rewards', body: { kind: 'perk', name: '咖啡券', pointsCost: 200 } }) },
  { method: 'PATCH', path: '/rewards/{id}', allowed: MANAGE, request: async (c) => ({ url: `/rewards/${await c.freshReward()}`, body: { pointsCost: 300 } }) },
  { method: 'GET', path: '/coupons', allowed: ALL_ROLES, request: (c) => ({ url: `/coupons?customerId=${c.customerId}` }) },
  { method: 'POST', path: '/coupons', allowed: MANAGE, request: (c) => ({ url: '/coupons', body: { customerId: c.customerId, title: '活动券', valueFen: 1000 } }) },
  { method: 'GET', path: '/coupons/{code}', allowed: REDEEM, target: 'none', request: async (c) => ({ url: `/coupons/${(await c.freshCoupon()).code}` }) },
  {
    method: 'POST',
    path: '/coupons/{code}/redeem',
    allowed: REDEEM,
    request: async (c) => ({ url: `/coupons/${(await c.freshCoupon()).code}/redeem`, body: { repairOrderId: await c.freshRo() } }),
  },
  { method: 'POST', path: '/coupons/{id}/void', allowed: VOID, request: async (c) => ({ url: `/coupons/${(await c.freshCoupon()).id}/void`, body: { reason: '矩阵测试' } }) },
  { method: 'GET', path: '/loyalty/reports/liability', allowed: REPORTS, target: 'none', request: () => ({ url: '/loyalty/reports/liability' }) },
  { method: 'GET', path: '/loyalty/reports/redemption-rate', allowed: REPORTS, target: 'none', request: () => ({ url: '/loyalty/reports/redemption-rate' }) },
  { method: 'GET', path: '/referrals', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/referrals' }) },
  { method: 'POST', path: '/referrals', allowed: REF_WRITE, request: (c) => ({ url: '/referrals', body: { referrerCustomerId: c.customerId, friendName: '朋友', friendMobile: mobile(c) } }) },
  { method: 'POST', path: '/referrals/{id}/status', allowed: REF_WRITE, request: async (c) => ({ url: `/referrals/${await c.freshReferral()}/status`, body: { status: 'visited' } }) },
  { method: 'GET', path: '/referrals/leaderboard', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/referrals/leaderboard' }) },
  { method: 'GET', path: '/referral-settings', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/referral-settings' }) },
  {
    method: 'PUT',
    path: '/referral-settings',
    allowed: REF_SETTINGS,
    target: 'none',
    request: () => ({ url: '/referral-settings', body: { tiers: [{ nth: 1, title: '保养券', valueFen: 80000 }, { nth: 2, title: '加油卡', valueFen: 100000 }, { nth: 3, title: '现金', valueFen: 200000 }], refereeTitle: '推荐购车优惠', refereeDiscountFen: 300000, validDays: 180 } }),
  },
];

describeAccessMatrix<Ctx>('loyalty', {
  async setup(env, org) {
    const store1 = org.stores[0]!.id;
    let n = 0;
    const next = () => ++n;
    const c = await seedCustomer(env.ctx.db, store1);
    const v = await seedVehicle(env.ctx.db, c);
    const cfg = await env.ctx.services.loyalty.getConfig(SYSTEM_ACTOR);
    const svc = env.ctx.services.loyalty;
    const svcActor = actorFor(org.staff.get('service1')!);
    return {
      env,
      org,
      store1,
      customerId: c.id,
      tierId: cfg.tiers.find((t) => t.code === 'companion')!.id,
      next,
      freshCoupon: async () => {
        const cp = await svc.issueCouponStaff(SYSTEM_ACTOR, { customerId: c.id, title: '矩阵券', valueFen: 100, validDays: 30, source: 'manual' });
        return { id: cp.id, code: cp.code };
      },
      freshRo: async () => (await env.ctx.services.serviceOrders.create(svcActor, { vehicleId: v.id, kind: 'maintenance', labourFen: 100, partsFen: 0 })).id,
      freshReward: async () => (await env.ctx.db.insert(loyaltyRewards).values({ storeId: store1, kind: 'perk', name: '门店权益', pointsCost: 100 }).returning())[0]!.id,
      freshMultiplier: async () =>
        (await env.ctx.db.insert(loyaltyMultipliers).values({ storeId: store1, name: '门店双倍', factorX100: 200, startsAt: new Date('2026-12-01'), endsAt: new Date('2026-12-02') }).returning())[0]!.id,
      freshReferral: async () =>
        (await env.ctx.services.referrals.createByStaff(SYSTEM_ACTOR, { referrerCustomerId: c.id, friendName: '朋友', friendMobile: `+86135${String(20_000_000 + next()).slice(-8)}`, interestedModel: '' })).id,
    };
  },
  rows,
});

describe('owner-facing loyalty routes', () => {
  let env: TestEnv;
  let org: SeededOrg;
  beforeAll(async () => {
    env = await createTestEnv();
    org = await seedDemoOrg(env.ctx.db);
  });
  afterAll(() => env.close());

  it('answers 401 without an owner session', async () => {
    for (const url of ['/api/v1/portal/loyalty', '/api/v1/portal/rewards', '/api/v1/portal/coupons', '/api/v1/portal/referral']) {
      expect((await env.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  });

  it('lets an owner redeem a reward and see the coupon with its QR, then staff redeem it on an RO and the owner sees it used', async () => {
    const store1 = org.stores[0]!.id;
    const c = await seedCustomer(env.ctx.db, store1);
    await seedConsent(env.ctx.db, c, 'sms', 'service');
    const v = await seedVehicle(env.ctx.db, c);
    await env.ctx.services.loyalty.adjust(actorFor(org.staff.get('manager1')!), c.id, { points: 2000, reason: '开户礼' });
    const rw = await env.ctx.services.loyalty.createReward(SYSTEM_ACTOR, { storeId: null, kind: 'labour_voucher', name: '¥200 工时券', description: '', pointsCost: 1500, valueFen: 20_000, stock: null, validDays: 90, availableFrom: null, availableUntil: null, minTierRank: 0, perCustomerLimit: null, active: true });
    const owner = await signInOwner(env.app, env.ctx.db, c);
    const me = await env.app.inject({ method: 'GET', url: '/api/v1/portal/loyalty', headers: owner });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ account: { balance: 2000, tier: { code: 'explorer' } } });
    const noCsrf = await env.app.inject({ method: 'POST', url: `/api/v1/portal/rewards/${rw.id}/redeem`, headers: { cookie: owner.cookie } });
    expect(noCsrf.statusCode).toBe(403);
    const red = await env.app.inject({ method: 'POST', url: `/api/v1/portal/rewards/${rw.id}/redeem`, headers: { ...owner, 'idempotency-key': 'tap-1' } });
    expect(red.statusCode).toBe(201);
    const again = await env.app.inject({ method: 'POST', url: `/api/v1/portal/rewards/${rw.id}/redeem`, headers: { ...owner, 'idempotency-key': 'tap-1' } });
    expect(again.statusCode).toBe(200);
    const poor = await env.app.inject({ method: 'POST', url: `/api/v1/portal/rewards/${rw.id}/redeem`, headers: { ...owner, 'idempotency-key': 'tap-2' } });
    expect(poor.statusCode).toBe(422);
    const list = await env.app.inject({ method: 'GET', url: '/api/v1/portal/coupons', headers: owner });
    const coupon = (list.json() as { items: { display: string; state: string; qr: string }[] }).items[0]!;
    expect(coupon).toMatchObject({ state: 'issued' });
    expect(coupon.qr).toMatch(/^data:image\/svg\+xml/);
    const staff = await login(env.app, 'service1');
    const ro = await env.ctx.services.serviceOrders.create(actorFor(org.staff.get('service1')!), { vehicleId: v.id, kind: 'maintenance', labourFen: 50_000, partsFen: 0 });
    const found = await env.app.inject({ method: 'GET', url: `/api/v1/coupons/${coupon.display}`, headers: staff });
    expect(found.json()).toMatchObject({ title: '¥200 工时券', state: 'issued' });
    const ok = await env.app.inject({ method: 'POST', url: `/api/v1/coupons/${coupon.display}/redeem`, headers: staff, payload: { repairOrderId: ro.id } });
    expect(ok.statusCode).toBe(200);
    const twice = await env.app.inject({ method: 'POST', url: `/api/v1/coupons/${coupon.display}/redeem`, headers: staff, payload: { repairOrderId: ro.id } });
    expect(twice.statusCode).toBe(409);
    const used = await env.app.inject({ method: 'GET', url: '/api/v1/portal/coupons', headers: owner });
    expect((used.json() as { items: { state: string }[] }).items[0]!.state).toBe('redeemed');
  });

  it('takes a friend’s sign-up through the share link without a session', async () => {
    const c = await seedCustomer(env.ctx.db, org.stores[0]!.id);
    const owner = await signInOwner(env.app, env.ctx.db, c);
    const mine = await env.app.inject({ method: 'GET', url: '/api/v1/portal/referral', headers: owner });
    const { code, link } = mine.json() as { code: string; link: string };
    expect(link).toContain(`/portal/r/${code}`);
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/portal/referral/signup', payload: { code, friendName: '李雷', friendMobile: '13700001111' } });
    expect(res.statusCode).toBe(201);
    const after = await env.app.inject({ method: 'GET', url: '/api/v1/portal/referral', headers: owner });
    expect((after.json() as { referrals: unknown[] }).referrals).toEqual([expect.objectContaining({ friendName: '李*', status: 'submitted' })]);
  });
});
