/**
 * Demo loyalty data, set-based, relative to `asOf`: points for every repair order closed since the start of last year
 * (¥1 = 1 point, warranty and recall excluded) and for cars delivered, tiers placed, a rewards catalogue, birthday and
 * campaign coupons (some redeemed on their RO), referrals behind the generated referred sales, and a well-stocked
 * demo owner. Idempotent through the ledger's and coupons' keys; safe to call again.
 */
import { eq, sql } from 'drizzle-orm';
import type { TDbOrTx } from '../db/index.js';
import { customers } from '../modules/customers/schema.js';
import { credit, evaluateTiers, expirySql } from '../modules/loyalty/ledger.js';
import { newCouponCode } from '../modules/loyalty/rules.js';
import { coupons, loyaltyRewards } from '../modules/loyalty/schema.js';
import { uuidv7Sql } from '../modules/messaging/gate.js';
import { referrals } from '../modules/referrals/schema.js';
import { DEMO_OWNER_MOBILE } from './portal-owner.js';

const DAY = 86_400_000;

export const DEMO_REWARDS = [
  { kind: 'labour_voucher', name: '¥100 保养工时券', description: '保养工时费抵扣 ¥100，全集团门店通用', pointsCost: 1000, valueFen: 10_000, validDays: 90 },
  { kind: 'labour_voucher', name: '¥300 维修工时券', description: '维修工时费抵扣 ¥300', pointsCost: 2800, valueFen: 30_000, validDays: 90, minTierRank: 1 },
  { kind: 'parts_discount', name: '原厂机油 8 折券', description: '原厂机油及机滤 8 折', pointsCost: 600, valueFen: 0, validDays: 60 },
  { kind: 'perk', name: '星巴克中杯咖啡', description: '第三方权益：门店休息区兑换', pointsCost: 300, valueFen: 3_000, validDays: 30, stock: 500 },
  { kind: 'perk', name: '健身房周卡', description: '合作健身房 7 天体验卡', pointsCost: 1500, valueFen: 0, validDays: 60, stock: 50, perCustomerLimit: 1 },
  { kind: 'merchandise', name: '品牌车载香氛', description: '车主专属精品', pointsCost: 1200, valueFen: 0, validDays: 60, stock: 200 },
  { kind: 'charity', name: '乡村学校图书角', description: '每 100 积分为乡村小学捐赠 1 本图书', pointsCost: 1, valueFen: 0, validDays: 1 },
] as const;

export async function seedDemoLoyalty(db: TDbOrTx, opts: { asOf: Date }): Promise<{ customers: number; coupons: number; referrals: number }> {
  const at = sql`${opts.asOf.toISOString()}::timestamptz`;
  const ms = opts.asOf.getTime();
  // Points for closed repair orders since the start of last year and for delivered cars (2,000 each).
  await db.execute(sql`
    with src as (
      select ro.customer_id, ro.store_id, 'repair_order'::points_source as source, floor(ro.total_fen / 100)::int as points, ro.total_fen as spend, 'ro:' || ro.id as key,
        '维修工单 ' || ro.ro_no || ' / Repair order' as reason, 'repair_order' as ref_type, ro.id::text as ref_id, ro.closed_at as at
      from repair_orders ro join customers c on c.id = ro.customer_id and c.status = 'active'
      where ro.closed_at is not null and ro.closed_at <= ${at} and ro.closed_at >= date_trunc('year', ${at} - interval '1 year') and ro.kind not in ('warranty', 'recall') and ro.total_fen >= 100
      union all
      select so.customer_id, so.store_id, 'sales_order', 2000, so.price_fen, 'so:' || so.id, '新车交付 ' || so.order_no || ' / Car delivered', 'sales_order', so.id::text, so.delivered_at
      from sales_orders so join customers c on c.id = so.customer_id and c.status = 'active'
      where so.delivered_at is not null and so.delivered_at <= ${at} and so.delivered_at >= date_trunc('year', ${at} - interval '1 year')
    ),
    rows as (select src.*, row_number() over (order by at, key) as n from src),
    e as (
      insert into loyalty_ledger (id, customer_id, store_id, kind, source, points, spend_fen, reason, idempotency_key, ref_type, ref_id, created_at)
      select ${uuidv7Sql(sql`rows.n`, ms)}, customer_id, store_id, 'earn', source, points, spend, reason, key, ref_type, ref_id, at from rows
      on conflict (idempotency_key) do nothing
      returning id, customer_id, store_id, points, created_at
    ),
    lot as (
      insert into loyalty_lots (id, customer_id, store_id, points, remaining, earned_at, expires_at)
      select e.id, e.customer_id, e.store_id, e.points, e.points, e.created_at, ${expirySql(sql`e.created_at`, sql`s.timezone`, sql`ls.expiry_years`)}
      from e join stores s on s.id = e.store_id cross join loyalty_settings ls where ls.id = 1
      returning 1
    )
    insert into loyalty_accounts (customer_id, store_id, balance, earned_total, tier_code, tier_rank, tier_since, created_at, updated_at)
    select e.customer_id, min(e.store_id::text)::uuid, sum(e.points)::int, sum(e.points)::int, 'explorer', 0, ${at}, ${at}, ${at} from e group by e.customer_id
    on conflict (customer_id) do update set balance = loyalty_accounts.balance + excluded.balance, earned_total = loyalty_accounts.earned_total + excluded.earned_total`);

  // The catalogue (group-wide).
  const [has] = await db.select({ n: sql<number>`count(*)::int` }).from(loyaltyRewards);
  if (!has?.n) {
    await db.insert(loyaltyRewards).values(DEMO_REWARDS.map((r) => ({ ...r, stock: 'stock' in r ? r.stock : null, minTierRank: 'minTierRank' in r ? r.minTierRank : 0, perCustomerLimit: 'perCustomerLimit' in r ? r.perCustomerLimit : null })));
    await db.execute(sql`update loyalty_rewards set donated_points = 286400 where kind = 'charity'`);
  }

  // Birthday / campaign coupons for ~8% of accounts; those with a later RO redeemed on it.
  await db.execute(sql`
    with pick as (
      select a.customer_id, a.store_id, row_number() over (order by a.customer_id) as n from loyalty_accounts a
      where abs(hashtext(a.customer_id::text)) % 12 = 0
    )
    insert into coupons (id, code, customer_id, store_id, title, value_fen, source, issue_key, status, valid_from, valid_until, created_at, updated_at)
    select ${uuidv7Sql(sql`pick.n`, ms - 40 * DAY)}, loyalty_coupon_code(), customer_id, store_id,
      case when n % 3 = 0 then '生日保养券' else '冬季检测券' end, case when n % 3 = 0 then 50000 else 20000 end, case when n % 3 = 0 then 'journey' else 'campaign' end::coupon_source,
      'demo:' || customer_id, 'issued', ${at} - interval '40 days', ${at} + make_interval(days => (n % 4)::int * 30 - 20), ${at} - interval '40 days', ${at} - interval '40 days'
    from pick
    on conflict (issue_key) where issue_key is not null do nothing`);
  await db.execute(sql`
    update coupons c set status = 'redeemed', redeemed_at = ro.opened_at + interval '2 hours', redeemed_store_id = ro.store_id, repair_order_id = ro.id, updated_at = ${at}
    from (select distinct on (customer_id) id, customer_id, store_id, opened_at from repair_orders where opened_at > ${at} - interval '40 days' and opened_at <= ${at} order by customer_id, opened_at) ro
    where c.customer_id = ro.customer_id and c.status = 'issued' and c.issue_key like 'demo:%'`);

  // Referrals behind the generated referred sales (delivered ones rewarded), plus friends still in progress.
  await db.execute(sql`
    with so as (
      select so.id, so.customer_id, so.store_id, so.referrer_customer_id, so.status, so.ordered_at, so.delivered_at, c.name, c.mobile,
        row_number() over (order by so.ordered_at, so.id) as n
      from sales_orders so join customers c on c.id = so.customer_id
      where so.referrer_customer_id is not null and so.referrer_customer_id <> so.customer_id and c.mobile is not null and so.ordered_at >= ${at} - interval '18 months'
    )
    insert into referrals (id, referrer_customer_id, store_id, friend_name, friend_mobile, friend_customer_id, channel, status, sales_order_id, rewarded_at, reward_rank, history, created_at, updated_at)
    select ${uuidv7Sql(sql`so.n`, ms - 400 * DAY)}, referrer_customer_id, store_id, name, mobile, customer_id, case when n % 2 = 0 then 'link' else 'staff' end::referral_channel,
      case when status = 'delivered' then 'delivered' when status = 'cancelled' then 'lost' else 'ordered' end::referral_status, id,
      case when status = 'delivered' then delivered_at end, case when status = 'delivered' then 1 end,
      jsonb_build_array(jsonb_build_object('status', 'submitted', 'at', ordered_at - interval '20 days')), ordered_at - interval '20 days', ${at}
    from so
    on conflict do nothing`);
  await db.execute(sql`
    with s as (select id, referrer_customer_id, row_number() over (partition by referrer_customer_id order by rewarded_at, id) as rk from referrals where rewarded_at is not null)
    update referrals r set reward_rank = s.rk from s where r.id = s.id`);

  // The demo owner: points to spend, an unused coupon, friends in progress.
  const [owner] = await db.select({ id: customers.id }).from(customers).where(eq(customers.mobile, DEMO_OWNER_MOBILE));
  if (owner) {
    await credit(db, { customerId: owner.id, points: 3600, kind: 'earn', source: 'event', reason: '车主活动签到与问卷 / Events and surveys', idempotencyKey: `demo:owner:${owner.id}`, at: new Date(ms - 60 * DAY) });
    await db
      .insert(coupons)
      .values({ code: newCouponCode(), customerId: owner.id, storeId: (await db.select({ s: customers.storeId }).from(customers).where(eq(customers.id, owner.id)))[0]!.s, title: '生日保养券', valueFen: 50_000, source: 'journey', issueKey: `demo:owner:birthday:${owner.id}`, validFrom: new Date(ms - 5 * DAY), validUntil: new Date(ms + 25 * DAY) })
      .onConflictDoNothing();
    const [store] = await db.select({ s: customers.storeId }).from(customers).where(eq(customers.id, owner.id));
    for (const [i, f] of [
      ['王磊', '+8617000000101', 'test_drive'],
      ['陈静', '+8617000000102', 'submitted'],
    ].entries()) {
      await db
        .insert(referrals)
        .values({ referrerCustomerId: owner.id, storeId: store!.s, friendName: f[0]!, friendMobile: f[1]!, channel: 'link', status: f[2] as 'test_drive' | 'submitted', history: [{ status: 'submitted', at: new Date(ms - (10 - i * 4) * DAY).toISOString() }], createdAt: new Date(ms - (10 - i * 4) * DAY) })
        .onConflictDoNothing();
    }
  }

  await evaluateTiers(db, { customerIds: null, mode: 'review', now: opts.asOf, reason: '开通会员 / Membership opened' });
  const counts = await db.execute<{ a: number; c: number; r: number }>(sql`select (select count(*) from loyalty_accounts)::int as a, (select count(*) from coupons)::int as c, (select count(*) from referrals)::int as r`);
  const row = counts.rows[0]!;
  return { customers: row.a, coupons: row.c, referrals: row.r };
}
