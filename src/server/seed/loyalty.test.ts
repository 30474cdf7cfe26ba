import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../modules/customers/schema.js';
import { reconcile } from '../modules/loyalty/ledger.js';
import { createTestEnv, type TestEnv } from '../testing/harness.js';
import { seedDemo, seedDemoService } from './demo.js';
import { seedDemoLoyalty } from './loyalty.js';
import { DEMO_OWNER_MOBILE } from './portal-owner.js';

let env: TestEnv;
const AS_OF = '2026-11-23';

beforeAll(async () => {
  env = await createTestEnv();
  await seedDemo(env.ctx.db, { size: 300, seed: 5, asOf: AS_OF });
  await seedDemoService(env.ctx.db, { asOf: AS_OF, seed: 5 });
});
afterAll(() => env?.close());

describe('demo loyalty', () => {
  it('gives members points, tiers, coupons and referrals that reconcile, and is idempotent', async () => {
    const before = await env.ctx.db.execute<{ a: number; l: number; c: number; tiers: number; redeemed: number }>(sql`
      select (select count(*) from loyalty_accounts)::int as a, (select count(*) from loyalty_ledger)::int as l, (select count(*) from coupons)::int as c,
        (select count(distinct tier_code) from loyalty_accounts)::int as tiers, (select count(*) from coupons where status = 'redeemed')::int as redeemed`);
    const b = before.rows[0]!;
    expect(b.a).toBeGreaterThan(50);
    expect(b.c).toBeGreaterThan(5);
    expect(b.tiers).toBeGreaterThanOrEqual(2);
    expect(await reconcile(env.ctx.db)).toEqual([]);
    await seedDemoLoyalty(env.ctx.db, { asOf: new Date(`${AS_OF}T10:00:00+08:00`) });
    const after = await env.ctx.db.execute<{ l: number }>(sql`select count(*)::int as l from loyalty_ledger`);
    expect(after.rows[0]!.l).toBe(b.l);
    const [owner] = await env.ctx.db.select().from(customers).where(eq(customers.mobile, DEMO_OWNER_MOBILE));
    const mine = await env.ctx.services.loyalty.ownerLoyalty({ customerId: owner!.id, storeId: owner!.storeId, sessionId: 'seed' });
    expect(mine.account.balance).toBeGreaterThanOrEqual(3600);
    const refs = await env.ctx.services.referrals.ownerReferral({ customerId: owner!.id, storeId: owner!.storeId, sessionId: 'seed' });
    expect(refs.referrals.length).toBe(2);
  });
});
