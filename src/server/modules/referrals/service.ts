import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { REFERRAL_STATUS_LABELS, type TReferral, type TReferralSettings } from '../../../contracts/loyalty.js';
import { maskMobile, normalizeMobile } from '../../../contracts/validators.js';
import type { TConfig } from '../../config.js';
import type { TDb, TDbOrTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { BusinessRuleError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Jobs } from '../../platform/jobs.js';
import type { PortalActor } from '../../platform/owner.js';
import { encodeCursor, type Page } from '../../platform/pagination.js';
import { assertCan, assertStoreAccess, storeScope, type Actor } from '../../platform/rbac.js';
import { emitEvent, recordAudit } from '../audit/service.js';
import { customers } from '../customers/schema.js';
import { newReferralCode } from '../loyalty/rules.js';
import type { TLoyaltyService } from '../loyalty/service.js';
import { decodeKeyset, staffIdOf } from '../vehicles/service.js';
import { referralCodes, referralEventReceipts, referrals, referralSettings } from './schema.js';

export interface TReferralsDeps {
  db: TDb;
  clock: Clock;
  jobs: Jobs | null;
  config: TConfig;
  loyalty: TLoyaltyService;
}

const DAY = 86_400_000;
const EVENT_LOOKBACK_MS = 7 * DAY;
const ORDER = ['submitted', 'visited', 'test_drive', 'ordered', 'delivered'] as const;
const REFERRAL_EVENTS = ['sales_order.created', 'sales_order.delivered', 'sales_order.cancelled'] as const;
export const DEFAULT_REFERRAL_SETTINGS: TReferralSettings = {
  tiers: [
    { nth: 1, title: '保养券', valueFen: 80_000 },
    { nth: 2, title: '加油卡', valueFen: 100_000 },
    { nth: 3, title: '现金奖励', valueFen: 200_000 },
  ],
  refereeTitle: '推荐购车优惠',
  refereeDiscountFen: 300_000,
  validDays: 180,
};

/** The reward of a referrer's nth rewarded referral: the ladder step with the largest nth ≤ n. */
export function rewardStep(tiers: TReferralSettings['tiers'], n: number) {
  const sorted = [...tiers].sort((a, b) => a.nth - b.nth);
  return sorted.filter((t) => t.nth <= n).at(-1) ?? sorted[0]!;
}

/** 张三 → 张先生-style politeness is not knowable; the portal shows the surname and a star: 张*. */
export const friendDisplayName = (name: string) => (name.length <= 1 ? name : `${name.slice(0, 1)}*`);

const referrer = alias(customers, 'referrer');

function referralOut(r: typeof referrals.$inferSelect, referrerName: string): TReferral {
  return {
    id: r.id,
    referrer: { id: r.referrerCustomerId, name: referrerName },
    storeId: r.storeId,
    friendName: r.friendName,
    friendMobileMasked: maskMobile(r.friendMobile),
    friendCustomerId: r.friendCustomerId,
    interestedModel: r.interestedModel,
    channel: r.channel,
    status: r.status,
    salesOrderId: r.salesOrderId,
    rewardRank: r.rewardRank,
    referrerCouponId: r.referrerCouponId,
    refereeCouponId: r.refereeCouponId,
    rewardedAt: r.rewardedAt,
    lostReason: r.lostReason,
    history: r.history,
    createdAt: r.createdAt,
  };
}

export function createReferralsService(deps: TReferralsDeps) {
  const { db, clock, loyalty } = deps;
  const publicUrl = (deps.config.BAOKE_PUBLIC_URL ?? `http://localhost:${deps.config.PORT}`).replace(/\/+$/, '');

  async function settingsOf(exec: TDbOrTx): Promise<TReferralSettings> {
    const [s] = await exec.select().from(referralSettings).where(eq(referralSettings.id, 1));
    return s ? { tiers: s.tiers, refereeTitle: s.refereeTitle, refereeDiscountFen: s.refereeDiscountFen, validDays: s.validDays } : DEFAULT_REFERRAL_SETTINGS;
  }

  /** The owner's code (made on first use). */
  async function codeOf(exec: TDbOrTx, customerId: string): Promise<string> {
    const [r] = await exec.select({ code: referralCodes.code }).from(referralCodes).where(eq(referralCodes.customerId, customerId));
    if (r) return r.code;
    for (let i = 0; i < 5; i++) {
      const [ins] = await exec.insert(referralCodes).values({ customerId, code: newReferralCode() }).onConflictDoNothing().returning({ code: referralCodes.code });
      if (ins) return ins.code;
      const [again] = await exec.select({ code: referralCodes.code }).from(referralCodes).where(eq(referralCodes.customerId, customerId));
      if (again) return again.code;
    }
    throw new Error('could not allocate a referral code');
  }

  const linkOf = (code: string) => `${publicUrl}/portal/r/${code}`;

  /** Writes a referral after the rules: no self-referral, one live referral per phone. */
  async function create(tx: TDbOrTx, r: { referrerCustomerId: string; friendName: string; friendMobile: string; interestedModel: string; channel: 'link' | 'staff'; createdBy: string | null }) {
    const m = normalizeMobile(r.friendMobile);
    if (!m.ok) throw new ValidationError(m.reason, [{ path: 'body.friendMobile', message: m.reason }]);
    const [ref] = await tx.select({ id: customers.id, storeId: customers.storeId, mobile: customers.mobile, status: customers.status, name: customers.name }).from(customers).where(eq(customers.id, r.referrerCustomerId));
    if (!ref || ref.status !== 'active') throw new NotFoundError('推荐人');
    if (ref.mobile === m.value) throw new BusinessRuleError('self-referral', '不能推荐自己 / You cannot refer yourself');
    const [friend] = await tx.select({ id: customers.id }).from(customers).where(and(eq(customers.mobile, m.value), eq(customers.status, 'active')));
    if (friend?.id === ref.id) throw new BusinessRuleError('self-referral', '不能推荐自己 / You cannot refer yourself');
    const now = clock.now();
    const [row] = await tx
      .insert(referrals)
      .values({
        referrerCustomerId: ref.id,
        storeId: ref.storeId,
        friendName: r.friendName,
        friendMobile: m.value,
        friendCustomerId: friend?.id ?? null,
        interestedModel: r.interestedModel,
        channel: r.channel,
        status: 'submitted',
        history: [{ status: 'submitted', at: now.toISOString() }],
        createdBy: r.createdBy,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: referrals.friendMobile, where: sql`status <> 'lost'` })
      .returning();
    if (!row) throw new ConflictError('该手机号已被推荐过 / This phone number has already been referred');
    await emitEvent(tx, 'referral.created', { customerId: ref.id, storeId: ref.storeId, payload: { referralId: row.id, channel: r.channel } });
    return { row, referrerName: ref.name };
  }

  async function advance(tx: TDbOrTx, id: string, status: TReferral['status'], extra: Partial<typeof referrals.$inferInsert> = {}) {
    const now = clock.now();
    const [u] = await tx
      .update(referrals)
      .set({ status, ...extra, history: sql`${referrals.history} || ${JSON.stringify([{ status, at: now.toISOString() }])}::jsonb`, updatedAt: now })
      .where(eq(referrals.id, id))
      .returning();
    return u!;
  }

  /** The referral a sales order belongs to: the friend is the order's customer (by id or phone), referral still live. */
  async function referralOfOrder(tx: TDbOrTx, orderId: string) {
    const r = await tx.execute<{ id: string; status: string; sales_order_id: string | null; customer_id: string; referrer_customer_id: string }>(sql`
      select r.id, r.status, r.sales_order_id, so.customer_id, r.referrer_customer_id from sales_orders so
      join customers c on c.id = so.customer_id
      join referrals r on (r.sales_order_id = so.id) or (r.sales_order_id is null and r.status not in ('lost', 'delivered') and (r.friend_customer_id = so.customer_id or r.friend_mobile = c.mobile))
      where so.id = ${orderId}
      order by (r.sales_order_id = so.id) desc nulls last, r.created_at limit 1 for update of r`);
    return r.rows[0] ?? null;
  }

  /** Pays the delivered referral's rewards exactly once (rewarded_at set by a conditional update). */
  async function reward(tx: TDbOrTx, referralId: string, friendCustomerId: string) {
    const [cur] = await tx.select().from(referrals).where(eq(referrals.id, referralId));
    if (!cur || cur.rewardedAt) return;
    // One referrer's deliveries are ranked one at a time.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('referrer:' || ${cur.referrerCustomerId}::text))`);
    const [n] = await tx.select({ n: sql<number>`count(*)::int` }).from(referrals).where(and(eq(referrals.referrerCustomerId, cur.referrerCustomerId), sql`rewarded_at is not null`));
    const s = await settingsOf(tx);
    const rank = (n?.n ?? 0) + 1;
    const step = rewardStep(s.tiers, rank);
    const referrerCoupon = await loyalty.issueCoupon(tx, {
      customerId: cur.referrerCustomerId,
      spec: { title: `推荐奖励·${step.title}`, valueFen: step.valueFen, validDays: s.validDays },
      source: 'referral',
      issueKey: `referral:${referralId}:referrer`,
    });
    const refereeCoupon = await loyalty.issueCoupon(tx, {
      customerId: friendCustomerId,
      spec: { title: s.refereeTitle, valueFen: s.refereeDiscountFen, validDays: s.validDays },
      source: 'referral',
      issueKey: `referral:${referralId}:referee`,
    });
    await loyalty.earnFor(tx, { customerId: cur.referrerCustomerId, source: 'referral', refId: referralId, reason: `推荐成交 ${cur.friendName} / Referral delivered` });
    const [u] = await tx
      .update(referrals)
      .set({ rewardRank: rank, referrerCouponId: referrerCoupon.id, refereeCouponId: refereeCoupon.id, rewardedAt: clock.now() })
      .where(and(eq(referrals.id, referralId), sql`rewarded_at is null`))
      .returning();
    if (u) await emitEvent(tx, 'referral.rewarded', { customerId: cur.referrerCustomerId, storeId: cur.storeId, payload: { referralId, rank, referrerCouponId: referrerCoupon.id, refereeCouponId: refereeCoupon.id } });
  }

  return {
    settingsOf,
    codeOf,

    async list(actor: Actor, q: { status?: TReferral['status']; referrerCustomerId?: string; limit: number; cursor?: string }): Promise<Page<TReferral>> {
      assertCan(actor, 'referrals.read');
      const c = decodeKeyset(q.cursor, ['instant', 'uuid'] as const);
      const rows = await db
        .select({ r: referrals, referrerName: referrer.name })
        .from(referrals)
        .innerJoin(referrer, eq(referrer.id, referrals.referrerCustomerId))
        .where(
          and(
            storeScope(actor, referrals.storeId),
            q.status ? eq(referrals.status, q.status) : undefined,
            q.referrerCustomerId ? eq(referrals.referrerCustomerId, q.referrerCustomerId) : undefined,
            c ? or(lt(referrals.createdAt, c[0]), and(eq(referrals.createdAt, c[0]), lt(referrals.id, c[1]))) : undefined,
          ),
        )
        .orderBy(desc(referrals.createdAt), desc(referrals.id))
        .limit(q.limit + 1);
      const items = rows.slice(0, q.limit).map((x) => referralOut(x.r, x.referrerName));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
    },

    /** Staff enter a referred friend for one of their store's owners. Audited. */
    async createByStaff(actor: Actor, input: { referrerCustomerId: string; friendName: string; friendMobile: string; interestedModel: string }): Promise<TReferral> {
      assertCan(actor, 'referrals.write');
      return db.transaction(async (tx) => {
        const [c] = await tx.select({ id: customers.id }).from(customers).where(and(eq(customers.id, input.referrerCustomerId), storeScope(actor, customers.storeId)));
        if (!c) throw new NotFoundError('推荐人');
        const { row, referrerName } = await create(tx, { ...input, channel: 'staff', createdBy: staffIdOf(actor) });
        await recordAudit(tx, actor, { action: 'referral.create', entityType: 'referral', entityId: row.id, storeId: row.storeId, customerId: row.referrerCustomerId, detail: { friendName: row.friendName } });
        return referralOut(row, referrerName);
      });
    },

    /** A friend signs up through an owner's share link (public portal page). */
    async signupViaLink(input: { code: string; friendName: string; friendMobile: string; interestedModel: string }): Promise<{ ok: true; referrerName: string }> {
      return db.transaction(async (tx) => {
        const [rc] = await tx.select({ customerId: referralCodes.customerId }).from(referralCodes).where(eq(referralCodes.code, input.code.toUpperCase()));
        if (!rc) throw new NotFoundError('推荐码');
        const { referrerName } = await create(tx, { referrerCustomerId: rc.customerId, friendName: input.friendName, friendMobile: input.friendMobile, interestedModel: input.interestedModel, channel: 'link', createdBy: null });
        return { ok: true as const, referrerName: referrerName.slice(0, 1) + '*' };
      });
    },

    /** Staff move a referral along by hand: visited, test drive (forward only), or lost. */
    async setStatus(actor: Actor, id: string, input: { status: 'visited' | 'test_drive' | 'lost'; reason?: string }): Promise<TReferral> {
      assertCan(actor, 'referrals.write');
      return db.transaction(async (tx) => {
        const [x] = await tx
          .select({ r: referrals, referrerName: referrer.name })
          .from(referrals)
          .innerJoin(referrer, eq(referrer.id, referrals.referrerCustomerId))
          .where(and(eq(referrals.id, id), storeScope(actor, referrals.storeId)))
          .for('update', { of: referrals });
        if (!x) throw new NotFoundError('推荐');
        if (x.r.status === 'delivered' || x.r.status === 'lost') throw new BusinessRuleError('referral-closed', '该推荐已结束 / This referral is closed');
        if (input.status !== 'lost' && ORDER.indexOf(input.status) <= ORDER.indexOf(x.r.status as (typeof ORDER)[number])) return referralOut(x.r, x.referrerName);
        const u = await advance(tx, id, input.status, input.status === 'lost' ? { lostReason: input.reason ?? '' } : {});
        await recordAudit(tx, actor, { action: 'referral.status', entityType: 'referral', entityId: id, storeId: u.storeId, customerId: u.referrerCustomerId, detail: { status: input.status } });
        return referralOut(u, x.referrerName);
      });
    },

    /** 推荐达人: referrers ranked by friends delivered in the month (store time), then by friends referred. */
    async leaderboard(actor: Actor, q: { month?: string; storeId?: string }) {
      assertCan(actor, 'referrals.read');
      if (q.storeId) assertStoreAccess(actor, q.storeId, '门店');
      const month = q.month ?? new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 7);
      const start = `${month}-01T00:00:00+08:00`;
      const r = await db.execute<{ customer_id: string; name: string; delivered: number; referred: number }>(sql`
        select r.referrer_customer_id as customer_id, c.name,
          count(*) filter (where r.status = 'delivered' and r.rewarded_at >= ${start}::timestamptz and r.rewarded_at < ${start}::timestamptz + interval '1 month')::int as delivered,
          count(*) filter (where r.created_at >= ${start}::timestamptz and r.created_at < ${start}::timestamptz + interval '1 month')::int as referred
        from referrals r join customers c on c.id = r.referrer_customer_id
        where ${storeScope(actor, sql`r.store_id`)} and ${q.storeId ? sql`r.store_id = ${q.storeId}` : sql`true`}
          and ((r.rewarded_at >= ${start}::timestamptz and r.rewarded_at < ${start}::timestamptz + interval '1 month') or (r.created_at >= ${start}::timestamptz and r.created_at < ${start}::timestamptz + interval '1 month'))
        group by 1, 2 order by 3 desc, 4 desc, 2 limit 20`);
      return { month, rows: r.rows.map((x, i) => ({ rank: i + 1, customerId: x.customer_id, name: x.name, delivered: x.delivered, referred: x.referred })) };
    },

    async getSettings(actor: Actor): Promise<TReferralSettings> {
      assertCan(actor, 'referrals.read');
      return settingsOf(db);
    },

    async putSettings(actor: Actor, input: TReferralSettings): Promise<TReferralSettings> {
      assertCan(actor, 'referrals.settings');
      await db.transaction(async (tx) => {
        const values = { ...input, updatedBy: staffIdOf(actor), updatedAt: clock.now() };
        await tx.insert(referralSettings).values({ id: 1, ...values }).onConflictDoUpdate({ target: referralSettings.id, set: values });
        await recordAudit(tx, actor, { action: 'referral.settings', entityType: 'referral_settings', detail: { ...input } });
      });
      return settingsOf(db);
    },

    /**
     * The `referrals.process-events` consumer: a sales order of a referred friend moves the referral to ordered,
     * its delivery to delivered and pays the rewards (once per sale: the order is unique on referrals, the reward is
     * written once), a cancelled order to lost. Own receipts.
     */
    async processEvents(opts: { limit?: number } = {}): Promise<{ events: number }> {
      const since = new Date(clock.now().getTime() - EVENT_LOOKBACK_MS);
      const events = (
        await db.execute<{ id: string; type: string; payload: Record<string, unknown> }>(sql`
          select e.id, e.type, e.payload from domain_events e
          where e.created_at >= ${since.toISOString()}::timestamptz and e.type in (${sql.join(REFERRAL_EVENTS.map((t) => sql`${t}`), sql`, `)})
            and not exists (select 1 from referral_event_receipts r where r.event_id = e.id)
          order by e.created_at limit ${opts.limit ?? 2000}`)
      ).rows;
      for (const e of events) {
        await db.transaction(async (tx) => {
          const [first] = await tx.insert(referralEventReceipts).values({ eventId: e.id, processedAt: clock.now() }).onConflictDoNothing().returning();
          if (!first) return;
          const orderId = String(e.payload['orderId'] ?? '');
          if (!orderId) return;
          const ref = await referralOfOrder(tx, orderId);
          if (!ref) return;
          if (e.type === 'sales_order.created' && ref.status !== 'ordered') {
            await advance(tx, ref.id, 'ordered', { salesOrderId: orderId, friendCustomerId: ref.customer_id });
          } else if (e.type === 'sales_order.delivered') {
            if (ref.status !== 'delivered') await advance(tx, ref.id, 'delivered', { salesOrderId: orderId, friendCustomerId: ref.customer_id });
            await reward(tx, ref.id, ref.customer_id);
          } else if (e.type === 'sales_order.cancelled' && ref.sales_order_id === orderId && ref.status === 'ordered') {
            await advance(tx, ref.id, 'lost', { lostReason: '订单取消 / Order cancelled' });
          }
        });
      }
      await db.delete(referralEventReceipts).where(sql`${referralEventReceipts.processedAt} < ${new Date(clock.now().getTime() - 2 * EVENT_LOOKBACK_MS).toISOString()}::timestamptz`);
      return { events: events.length };
    },

    /** The owner's referral page: code, share link, the ladder, the friends' progress. */
    async ownerReferral(owner: PortalActor) {
      const code = await codeOf(db, owner.customerId);
      const rows = await db.select().from(referrals).where(eq(referrals.referrerCustomerId, owner.customerId)).orderBy(desc(referrals.createdAt)).limit(100);
      return {
        code,
        link: linkOf(code),
        settings: await settingsOf(db),
        referrals: rows.map((r) => ({ id: r.id, friendName: friendDisplayName(r.friendName), status: r.status, statusLabel: REFERRAL_STATUS_LABELS[r.status].zh, createdAt: r.createdAt, rewarded: r.rewardedAt !== null })),
      };
    },
  };
}

export type TReferralsService = ReturnType<typeof createReferralsService>;
