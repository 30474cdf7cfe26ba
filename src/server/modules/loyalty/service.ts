import { and, asc, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import QRCode from 'qrcode';
import type {
  TAccount,
  TAdjustment,
  TCoupon,
  TEarnRule,
  TLedgerEntry,
  TLoyaltyConfig,
  TLoyaltySettings,
  TMultiplierInput,
  TRedemptionResult,
  TReward,
  TRewardInput,
  TRewardPatch,
  TTier,
  TTierUpdate,
} from '../../../contracts/loyalty.js';
import type { TConfig } from '../../config.js';
import { newId } from '../../db/columns.js';
import type { TDb, TDbOrTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { BusinessRuleError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Jobs } from '../../platform/jobs.js';
import type { PortalActor } from '../../platform/owner.js';
import { encodeCursor, type Page } from '../../platform/pagination.js';
import { assertCan, assertStoreAccess, isGroupWide, storeScope, type Actor } from '../../platform/rbac.js';
import { emitEvent, recordAudit } from '../audit/service.js';
import { customers } from '../customers/schema.js';
import { uuidv7Sql } from '../messaging/gate.js';
import type { TMessagingService } from '../messaging/service.js';
import { decodeKeyset, staffIdOf } from '../vehicles/service.js';
import { credit, creditAudience, debit, debitLocked, evaluateTiers, expireDue, lockAccount, reconcile, type TPointsSource } from './ledger.js';
import { formatCode, multiplied, newCouponCode, normalizeCode, pointsForSpend } from './rules.js';
import {
  coupons,
  loyaltyAccounts,
  loyaltyEarnRules,
  loyaltyEventReceipts,
  loyaltyLedger,
  loyaltyMultipliers,
  loyaltyRedemptions,
  loyaltyRewards,
  loyaltySettings,
  loyaltyTierHistory,
  loyaltyTiers,
} from './schema.js';

export interface TLoyaltyDeps {
  db: TDb;
  clock: Clock;
  jobs: Jobs | null;
  config: TConfig;
  messaging: TMessagingService;
}

/** A coupon to issue (redemption, campaign, journey, compensation, referral). */
export interface TCouponSpec {
  title: string;
  valueFen: number;
  validDays: number;
  rewardId?: string | null;
}

/** Set-based coupon issuing for journeys/campaigns: audience rows `customer_id, vehicle_id, firing_key, due_at`. */
export interface TCouponsForAudience {
  audience: SQL;
  coupon: TCouponSpec;
  source: 'journey' | 'campaign';
  /** Prefix of the issue key (`<prefix><firing_key>`): one coupon per key, ever. */
  keyPrefix?: string;
}

export interface TPointsForAudience {
  audience: SQL;
  points: number;
  reason: string;
  source?: TPointsSource;
  keyPrefix?: string;
}

const DAY = 86_400_000;
const EVENT_LOOKBACK_MS = 7 * DAY;
const EARN_EVENTS = ['repair_order.closed', 'sales_order.delivered'] as const;

type TCouponRow = typeof coupons.$inferSelect;

export function couponState(c: Pick<TCouponRow, 'status' | 'validUntil'>, now: Date): TCoupon['state'] {
  if (c.status === 'issued' && c.validUntil <= now) return 'expired';
  return c.status;
}

function couponOut(c: TCouponRow, now: Date, extra: { customerName?: string; qr?: string } = {}): TCoupon {
  return {
    id: c.id,
    code: c.code,
    display: formatCode(c.code),
    customerId: c.customerId,
    ...(extra.customerName !== undefined ? { customerName: extra.customerName } : {}),
    storeId: c.storeId,
    title: c.title,
    valueFen: c.valueFen,
    source: c.source,
    state: couponState(c, now),
    validFrom: c.validFrom,
    validUntil: c.validUntil,
    redeemedAt: c.redeemedAt,
    redeemedStoreId: c.redeemedStoreId,
    repairOrderId: c.repairOrderId,
    voidReason: c.voidReason,
    ...(extra.qr ? { qr: extra.qr } : {}),
  };
}

function tierOut(t: typeof loyaltyTiers.$inferSelect): TTier {
  return {
    id: t.id,
    preset: t.preset,
    code: t.code,
    nameZh: t.nameZh,
    nameEn: t.nameEn,
    rank: t.rank,
    minPoints12m: t.minPoints12m,
    minSpend12mFen: t.minSpend12mFen,
    minReferrals: t.minReferrals,
    maintenanceDiscountPct: t.maintenanceDiscountPct,
    benefits: t.benefits,
  };
}

function rewardOut(r: typeof loyaltyRewards.$inferSelect): TReward {
  return {
    id: r.id,
    storeId: r.storeId,
    kind: r.kind,
    name: r.name,
    description: r.description,
    pointsCost: r.pointsCost,
    valueFen: r.valueFen,
    stock: r.stock,
    issuedCount: r.issuedCount,
    validDays: r.validDays,
    availableFrom: r.availableFrom,
    availableUntil: r.availableUntil,
    minTierRank: r.minTierRank,
    perCustomerLimit: r.perCustomerLimit,
    donatedPoints: r.donatedPoints,
    active: r.active,
  };
}

/** The QR code of a coupon (its plain code: any scanner app types it into the 核销 screen). */
export async function couponQr(code: string): Promise<string> {
  const svg = await QRCode.toString(code, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

export function createLoyaltyService(deps: TLoyaltyDeps) {
  const { db, clock, messaging } = deps;

  async function settingsOf(exec: TDbOrTx): Promise<TLoyaltySettings> {
    const [s] = await exec.select().from(loyaltySettings).where(eq(loyaltySettings.id, 1));
    if (!s) return { activePreset: 'explorer', pointValueFen: 1, expiryYears: 1, expiryNoticeDays: 30 };
    return { activePreset: s.activePreset as TLoyaltySettings['activePreset'], pointValueFen: s.pointValueFen, expiryYears: s.expiryYears, expiryNoticeDays: s.expiryNoticeDays };
  }

  async function activeTiers(exec: TDbOrTx): Promise<TTier[]> {
    const s = await settingsOf(exec);
    const rows = await exec.select().from(loyaltyTiers).where(eq(loyaltyTiers.preset, s.activePreset)).orderBy(asc(loyaltyTiers.rank));
    return rows.map(tierOut);
  }

  /** Points a source earns (rule × the best campaign multiplier in force at `at`); 0 when no active rule. */
  async function pointsFor(exec: TDbOrTx, q: { source: TPointsSource; roKind?: string; storeId: string; spendFen?: number; at: Date }): Promise<number> {
    const r = await exec.execute<{ rate: number | null; fixed: number | null; factor: number | null }>(sql`
      select
        (select points_per_yuan_x100 from loyalty_earn_rules where source = ${q.source} and active and ro_kind in (${q.roKind ?? ''}, '') order by ro_kind desc limit 1) as rate,
        (select fixed_points from loyalty_earn_rules where source = ${q.source} and active and ro_kind in (${q.roKind ?? ''}, '') order by ro_kind desc limit 1) as fixed,
        (select max(factor_x100) from loyalty_multipliers where starts_at <= ${q.at.toISOString()}::timestamptz and ends_at > ${q.at.toISOString()}::timestamptz
          and (source is null or source = ${q.source}) and (ro_kind is null or ro_kind = ${q.roKind ?? ''}) and (store_id is null or store_id = ${q.storeId})) as factor`);
    const row = r.rows[0]!;
    const factor = row.factor ?? 100;
    return pointsForSpend(q.spendFen ?? 0, row.rate ?? 0, factor) + multiplied(row.fixed ?? 0, factor);
  }

  /**
   * Answered surveys (the surveys module's responses of the last week): the survey earn rule's points, once per
   * response (key `survey:<response>`, the same as `earnFor`), per store in one set-based statement. Kept off the
   * answer endpoint's hot path on purpose; the owner sees the points within a minute.
   */
  async function creditAnsweredSurveys(since: Date): Promise<number> {
    const now = clock.now();
    const from = sql`${since.toISOString()}::timestamptz`;
    const stores = await db.execute<{ store_id: string }>(sql`
      select distinct r.store_id from survey_responses r
      where r.submitted_at >= ${from} and not exists (select 1 from loyalty_ledger l where l.idempotency_key = 'survey:' || r.id::text)`);
    let credited = 0;
    for (const { store_id: storeId } of stores.rows) {
      const points = await pointsFor(db, { source: 'survey', storeId, at: now });
      if (points <= 0) continue;
      const ids = await db.transaction(async (tx) => {
        const got = await creditAudience(tx, {
          audience: sql`select r.customer_id, null::uuid as vehicle_id, r.id::text as firing_key, null::timestamptz as due_at from survey_responses r
            where r.store_id = ${storeId}::uuid and r.submitted_at >= ${from}
              and not exists (select 1 from loyalty_ledger l where l.idempotency_key = 'survey:' || r.id::text)`,
          points,
          reason: '完成满意度调查 / Answered a survey',
          source: 'survey',
          keyPrefix: 'survey:',
          refType: 'survey',
          at: now,
        });
        if (got.length) await evaluateTiers(tx, { customerIds: got, mode: 'upgrade', now, reason: '积分达到门槛 / Threshold reached' });
        return got;
      });
      credited += ids.length;
    }
    return credited;
  }

  /**
   * The programme (preset, tiers, earn rules, point value, expiry) is one for the whole group: only a group-wide role
   * changes it. A store changes what is its own — its rewards and its campaign multipliers.
   */
  function assertProgrammeOwner(actor: Actor): void {
    if (!isGroupWide(actor)) throw new ForbiddenError('会员体系由集团统一设置，请联系集团管理员 / The loyalty programme is set for the whole group; ask the group admin');
  }

  /** Earn + tier upgrade in the caller's transaction. */
  async function earn(tx: TDbOrTx, e: Omit<Parameters<typeof credit>[1], 'at'> & { at?: Date }) {
    const now = e.at ?? clock.now();
    const res = await credit(tx, { ...e, at: now });
    if (!res.duplicate && res.mayUpgrade) await evaluateTiers(tx, { customerIds: [e.customerId], mode: 'upgrade', now, reason: '积分达到门槛 / Threshold reached' });
    return res;
  }

  async function customerInScope(exec: TDbOrTx, actor: Actor, id: string) {
    const [c] = await exec
      .select({ id: customers.id, storeId: customers.storeId, name: customers.name, status: customers.status })
      .from(customers)
      .where(and(eq(customers.id, id), storeScope(actor, customers.storeId)));
    if (!c) throw new NotFoundError('客户');
    return c;
  }

  async function accountOf(exec: TDbOrTx, customerId: string): Promise<TAccount> {
    const now = clock.now();
    const [s, tiers] = [await settingsOf(exec), await activeTiers(exec)];
    const [a] = await exec.select().from(loyaltyAccounts).where(eq(loyaltyAccounts.customerId, customerId));
    const [c] = await exec.select({ storeId: customers.storeId }).from(customers).where(eq(customers.id, customerId));
    const stats = await exec.execute<{ pts12m: number; expiring: number; expiring_at: Date | null }>(sql`
      select
        (select coalesce(sum(points), 0) from loyalty_ledger where customer_id = ${customerId} and kind = 'earn' and created_at > ${now.toISOString()}::timestamptz - interval '12 months')::int as pts12m,
        (select coalesce(sum(remaining), 0) from loyalty_lots where customer_id = ${customerId} and remaining > 0
          and expires_at <= ${now.toISOString()}::timestamptz + make_interval(days => ${s.expiryNoticeDays}))::int as expiring,
        (select min(expires_at) from loyalty_lots where customer_id = ${customerId} and remaining > 0) as expiring_at`);
    const history = await exec
      .select({ fromCode: loyaltyTierHistory.fromCode, toCode: loyaltyTierHistory.toCode, reason: loyaltyTierHistory.reason, at: loyaltyTierHistory.at })
      .from(loyaltyTierHistory)
      .where(eq(loyaltyTierHistory.customerId, customerId))
      .orderBy(desc(loyaltyTierHistory.at))
      .limit(50);
    const tier = tiers.find((t) => t.code === a?.tierCode) ?? tiers[0] ?? null;
    const nextTier = tiers.find((t) => t.rank === (tier?.rank ?? 0) + 1) ?? null;
    const st = stats.rows[0]!;
    return {
      customerId,
      storeId: a?.storeId ?? c?.storeId ?? '',
      balance: a?.balance ?? 0,
      earnedTotal: a?.earnedTotal ?? 0,
      tier,
      nextTier,
      tierSince: a?.tierSince ?? null,
      points12m: st.pts12m,
      expiringPoints: st.expiring,
      expiringAt: st.expiring > 0 && st.expiring_at ? new Date(st.expiring_at) : null,
      tierHistory: history,
    };
  }

  async function ledgerPage(exec: TDbOrTx, customerId: string, q: { limit: number; cursor?: string }): Promise<Page<TLedgerEntry>> {
    const c = decodeKeyset(q.cursor, ['instant', 'uuid'] as const);
    const rows = await exec
      .select()
      .from(loyaltyLedger)
      .where(and(eq(loyaltyLedger.customerId, customerId), c ? or(lt(loyaltyLedger.createdAt, c[0]), and(eq(loyaltyLedger.createdAt, c[0]), lt(loyaltyLedger.id, c[1]))) : undefined))
      .orderBy(desc(loyaltyLedger.createdAt), desc(loyaltyLedger.id))
      .limit(q.limit + 1);
    const items = rows.slice(0, q.limit).map((r) => ({ id: r.id, kind: r.kind, source: r.source, points: r.points, reason: r.reason, refType: r.refType, refId: r.refId, createdAt: r.createdAt }));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
  }

  /** Issues one coupon in the caller's transaction; a repeated `issueKey` returns the first coupon. */
  async function issueCoupon(
    tx: TDbOrTx,
    i: { customerId: string; storeId?: string; spec: TCouponSpec; source: TCouponRow['source']; issueKey?: string | null; at?: Date },
  ): Promise<TCouponRow> {
    const now = i.at ?? clock.now();
    const [c] = await tx.select({ storeId: customers.storeId, status: customers.status }).from(customers).where(eq(customers.id, i.customerId));
    if (!c) throw new NotFoundError('客户');
    const [row] = await tx
      .insert(coupons)
      .values({
        code: newCouponCode(),
        customerId: i.customerId,
        storeId: i.storeId ?? c.storeId,
        title: i.spec.title,
        valueFen: i.spec.valueFen,
        source: i.source,
        rewardId: i.spec.rewardId ?? null,
        issueKey: i.issueKey ?? null,
        validFrom: now,
        validUntil: new Date(now.getTime() + i.spec.validDays * DAY),
      })
      .onConflictDoNothing({ target: coupons.issueKey, where: sql`issue_key is not null` })
      .returning();
    if (row) {
      await emitEvent(tx, 'coupon.issued', { customerId: i.customerId, storeId: row.storeId, payload: { couponId: row.id, source: i.source, valueFen: row.valueFen } });
      return row;
    }
    const [dup] = await tx.select().from(coupons).where(eq(coupons.issueKey, i.issueKey!));
    return dup!;
  }

  /**
   * Redeems a reward for a customer: points deducted (oldest lots first) and the coupon issued in one transaction;
   * stock, validity window, tier restriction and per-customer limit are checked under the account lock. Charity
   * rewards take a donation instead (see `donate`). `idempotencyKey` makes a retried request a no-op.
   */
  async function redeemReward(customerId: string, rewardId: string, idempotencyKey: string, by: { staffId: string | null }): Promise<TRedemptionResult> {
    const key = `redeem:${customerId}:${idempotencyKey}`;
    return db.transaction(async (tx) => {
      const now = clock.now();
      const prior = await tx.execute<{ entry_id: string; id: string; coupon_id: string | null }>(sql`
        select r.entry_id, r.id, r.coupon_id from loyalty_redemptions r join loyalty_ledger l on l.id = r.entry_id where l.idempotency_key = ${key}`);
      const acc = await lockAccount(tx, customerId);
      const p = prior.rows[0];
      if (p) {
        const [cp] = p.coupon_id ? await tx.select().from(coupons).where(eq(coupons.id, p.coupon_id)) : [];
        return { redemptionId: p.id, entryId: p.entry_id, balance: acc.balance, coupon: cp ? couponOut(cp, now) : null, duplicate: true };
      }
      const [rw] = await tx.select().from(loyaltyRewards).where(eq(loyaltyRewards.id, rewardId));
      if (!rw || !rw.active || (rw.storeId && rw.storeId !== acc.storeId)) throw new NotFoundError('权益');
      if (rw.kind === 'charity') throw new BusinessRuleError('reward-is-charity', '公益项目请使用捐赠 / Donate to a charity project instead');
      if ((rw.availableFrom && rw.availableFrom > now) || (rw.availableUntil && rw.availableUntil <= now)) throw new BusinessRuleError('reward-unavailable', '该权益不在兑换期内 / This reward is not available now');
      if (acc.tierRank < rw.minTierRank) throw new BusinessRuleError('tier-too-low', '您的会员等级暂不能兑换该权益 / Your tier cannot redeem this reward yet');
      if (rw.perCustomerLimit !== null) {
        const [n] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(loyaltyRedemptions)
          .where(and(eq(loyaltyRedemptions.customerId, customerId), eq(loyaltyRedemptions.rewardId, rewardId)));
        if ((n?.n ?? 0) >= rw.perCustomerLimit) throw new BusinessRuleError('limit-reached', `每人限兑 ${rw.perCustomerLimit} 次 / Limit of ${rw.perCustomerLimit} per customer reached`);
      }
      if (acc.balance < rw.pointsCost) throw new BusinessRuleError('insufficient-points', `积分不足（需要 ${rw.pointsCost}，可用 ${acc.balance}） / Not enough points`);
      const [took] = await tx
        .update(loyaltyRewards)
        .set({ issuedCount: sql`${loyaltyRewards.issuedCount} + 1`, stock: sql`case when ${loyaltyRewards.stock} is null then null else ${loyaltyRewards.stock} - 1 end`, updatedAt: now })
        .where(and(eq(loyaltyRewards.id, rewardId), sql`(${loyaltyRewards.stock} is null or ${loyaltyRewards.stock} > 0)`))
        .returning({ id: loyaltyRewards.id });
      if (!took) throw new BusinessRuleError('out-of-stock', '该权益已兑完 / This reward is out of stock');
      const redemptionId = newId();
      const entry = await debitLocked(tx, {
        customerId,
        points: rw.pointsCost,
        kind: 'redeem',
        reason: `兑换「${rw.name}」 / Redeemed ${rw.name}`,
        idempotencyKey: key,
        refType: 'redemption',
        refId: redemptionId,
        createdBy: by.staffId,
        at: now,
      });
      const coupon = await issueCoupon(tx, {
        customerId,
        spec: { title: rw.name, valueFen: rw.valueFen, validDays: rw.validDays, rewardId: rw.id },
        source: 'redemption',
        issueKey: `redemption:${redemptionId}`,
        at: now,
      });
      await tx.insert(loyaltyRedemptions).values({ id: redemptionId, customerId, storeId: acc.storeId, rewardId, points: rw.pointsCost, entryId: entry.entryId, couponId: coupon.id, createdAt: now });
      await emitEvent(tx, 'loyalty.redeemed', { customerId, storeId: acc.storeId, payload: { redemptionId, rewardId, points: rw.pointsCost, couponId: coupon.id } });
      return { redemptionId, entryId: entry.entryId, balance: entry.balance, coupon: couponOut(coupon, now), duplicate: false };
    });
  }

  /** Donates points to a charity project (积分捐赠): a `donate` entry and the project's running total, in one transaction. */
  async function donate(customerId: string, rewardId: string, points: number, idempotencyKey: string): Promise<{ entryId: string; balance: number; donatedPoints: number; duplicate: boolean }> {
    return db.transaction(async (tx) => {
      const [rw] = await tx.select().from(loyaltyRewards).where(eq(loyaltyRewards.id, rewardId));
      if (!rw || !rw.active || rw.kind !== 'charity') throw new NotFoundError('公益项目');
      const res = await debit(tx, {
        customerId,
        points,
        kind: 'donate',
        reason: `捐赠「${rw.name}」 / Donated to ${rw.name}`,
        idempotencyKey: `donate:${customerId}:${idempotencyKey}`,
        refType: 'reward',
        refId: rw.id,
        rewardId: rw.id,
        at: clock.now(),
      });
      let total = rw.donatedPoints;
      if (!res.duplicate) {
        const [u] = await tx
          .update(loyaltyRewards)
          .set({ donatedPoints: sql`${loyaltyRewards.donatedPoints} + ${points}` })
          .where(eq(loyaltyRewards.id, rewardId))
          .returning({ d: loyaltyRewards.donatedPoints });
        total = u!.d;
      }
      return { entryId: res.entryId, balance: res.balance, donatedPoints: total, duplicate: res.duplicate };
    });
  }

  async function listCoupons(exec: TDbOrTx, where: SQL | undefined, q: { state?: TCoupon['state']; limit: number; cursor?: string }, withQr = false): Promise<Page<TCoupon>> {
    const now = clock.now();
    const nowSql = sql`${now.toISOString()}::timestamptz`;
    const stateCond =
      q.state === 'expired'
        ? sql`${coupons.status} = 'issued' and ${coupons.validUntil} <= ${nowSql}`
        : q.state === 'issued'
          ? sql`${coupons.status} = 'issued' and ${coupons.validUntil} > ${nowSql}`
          : q.state
            ? eq(coupons.status, q.state)
            : undefined;
    const c = decodeKeyset(q.cursor, ['instant', 'uuid'] as const);
    const rows = await exec
      .select({ c: coupons, customerName: customers.name })
      .from(coupons)
      .innerJoin(customers, eq(customers.id, coupons.customerId))
      .where(and(where, stateCond, c ? or(lt(coupons.createdAt, c[0]), and(eq(coupons.createdAt, c[0]), lt(coupons.id, c[1]))) : undefined))
      .orderBy(desc(coupons.createdAt), desc(coupons.id))
      .limit(q.limit + 1);
    const items = await Promise.all(rows.slice(0, q.limit).map(async (r) => couponOut(r.c, now, { customerName: r.customerName, ...(withQr ? { qr: await couponQr(r.c.code) } : {}) })));
    const last = rows.slice(0, q.limit).at(-1);
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.c.createdAt.toISOString(), last.c.id]) : null };
  }

  async function rewardsVisibleTo(exec: TDbOrTx, storeId: string | null, activeOnly: boolean) {
    const rows = await exec
      .select()
      .from(loyaltyRewards)
      .where(and(storeId ? or(sql`${loyaltyRewards.storeId} is null`, eq(loyaltyRewards.storeId, storeId)) : undefined, activeOnly ? eq(loyaltyRewards.active, true) : undefined))
      .orderBy(asc(loyaltyRewards.kind), asc(loyaltyRewards.pointsCost), asc(loyaltyRewards.id));
    return rows.map(rewardOut);
  }

  return {
    settingsOf,
    pointsFor,
    earn,
    issueCoupon,

    // ---- set-based functions for the journeys engine and other modules (caller's transaction) -----------------

    /**
     * Journeys' "issue coupon" action: one coupon per audience row (`customer_id, vehicle_id, firing_key, due_at`),
     * issue key `<keyPrefix><firing_key>` so a re-run issues nothing twice; codes from SQL `loyalty_coupon_code()`.
     * Inactive customers are skipped. Returns the number issued.
     */
    async issueCouponsForAudience(tx: TDbOrTx, a: TCouponsForAudience): Promise<{ issued: number }> {
      const now = clock.now();
      const at = sql`${now.toISOString()}::timestamptz`;
      const until = sql`${new Date(now.getTime() + a.coupon.validDays * DAY).toISOString()}::timestamptz`;
      const r = await tx.execute<{ n: number }>(sql`
        with aud as (select distinct on (coalesce(x.firing_key, x.customer_id::text)) x.customer_id, x.firing_key from (${a.audience}) x),
        rows as (select aud.customer_id, cu.store_id, aud.firing_key, row_number() over (order by aud.customer_id) as n from aud join customers cu on cu.id = aud.customer_id and cu.status = 'active'),
        ins as (
          insert into coupons (id, code, customer_id, store_id, title, value_fen, source, reward_id, issue_key, status, valid_from, valid_until, created_at, updated_at)
          select ${uuidv7Sql(sql`rows.n`, now.getTime())}, loyalty_coupon_code(), customer_id, store_id, ${a.coupon.title}, ${a.coupon.valueFen}::bigint, ${a.source}::coupon_source,
            ${a.coupon.rewardId ?? null}::uuid, case when firing_key is null then null else ${a.keyPrefix ?? `${a.source}:`} || firing_key end, 'issued', ${at}, ${until}, ${at}, ${at}
          from rows
          on conflict (issue_key) where issue_key is not null do nothing
          returning id, customer_id, store_id
        ),
        ev as (
          insert into domain_events (id, type, customer_id, store_id, payload, created_at)
          select gen_random_uuid(), 'coupon.issued', customer_id, store_id, jsonb_build_object('couponId', id, 'source', ${a.source}::text), ${at} from ins
          returning 1
        )
        select count(*)::int as n from ins`);
      return { issued: r.rows[0]!.n };
    },

    /**
     * Journeys' "award points" action: points for every audience row, key `<keyPrefix><firing_key>` (default
     * `journey:`), tiers re-evaluated for the credited customers. Returns how many customers were credited.
     */
    async awardPointsForAudience(tx: TDbOrTx, a: TPointsForAudience): Promise<{ credited: number }> {
      const now = clock.now();
      const ids = await creditAudience(tx, { audience: a.audience, points: a.points, reason: a.reason, source: a.source ?? 'journey', keyPrefix: a.keyPrefix ?? 'journey:', at: now });
      await evaluateTiers(tx, { customerIds: ids, mode: 'upgrade', now, reason: '积分达到门槛 / Threshold reached' });
      return { credited: ids.length };
    },

    /**
     * Complaint compensation (the complaints/voice module calls it in its transaction): a coupon and/or points,
     * once per complaint (keys `complaint:<id>`). Audited when an actor is given.
     */
    async compensate(tx: TDbOrTx, c: { complaintId: string; customerId: string; coupon?: TCouponSpec; points?: number; actor?: Actor }): Promise<{ couponId: string | null; entryId: string | null }> {
      let couponId: string | null = null;
      let entryId: string | null = null;
      if (c.coupon) couponId = (await issueCoupon(tx, { customerId: c.customerId, spec: c.coupon, source: 'compensation', issueKey: `complaint:${c.complaintId}` })).id;
      if (c.points) {
        entryId = (
          await earn(tx, { customerId: c.customerId, points: c.points, source: 'compensation', reason: '投诉补偿 / Complaint compensation', idempotencyKey: `complaint:${c.complaintId}`, refType: 'complaint', refId: c.complaintId })
        ).entryId;
      }
      if (c.actor) await recordAudit(tx, c.actor, { action: 'loyalty.compensate', entityType: 'complaint', entityId: c.complaintId, customerId: c.customerId, detail: { couponId, points: c.points ?? 0 } });
      return { couponId, entryId };
    },

    /** Points for an attended event or an answered survey (the events/surveys modules call it); once per `refId`. */
    async earnFor(tx: TDbOrTx, e: { customerId: string; source: 'event' | 'survey' | 'referral'; refId: string; reason: string }) {
      const [c] = await tx.select({ storeId: customers.storeId }).from(customers).where(eq(customers.id, e.customerId));
      if (!c) throw new NotFoundError('客户');
      const points = await pointsFor(tx, { source: e.source, storeId: c.storeId, at: clock.now() });
      if (points <= 0) return null;
      return earn(tx, { customerId: e.customerId, points, source: e.source, reason: e.reason, idempotencyKey: `${e.source}:${e.refId}`, refType: e.source, refId: e.refId });
    },

    // ---- events and jobs ------------------------------------------------------------------------------------

    /**
     * The `loyalty.process-events` consumer: points for closed repair orders (per ¥ by RO kind) and delivered sales
     * orders, each once (receipt + idempotency key `ro:<id>` / `so:<id>`), with campaign multipliers in force when
     * the event happened.
     */
    async processEvents(opts: { limit?: number } = {}): Promise<{ events: number; credited: number }> {
      const since = new Date(clock.now().getTime() - EVENT_LOOKBACK_MS);
      const events = (
        await db.execute<{ id: string; type: string; customer_id: string | null; store_id: string | null; payload: Record<string, unknown>; created_at: Date }>(sql`
          select e.id, e.type, e.customer_id, e.store_id, e.payload, e.created_at from domain_events e
          where e.created_at >= ${since.toISOString()}::timestamptz and e.type in (${sql.join(EARN_EVENTS.map((t) => sql`${t}`), sql`, `)})
            and not exists (select 1 from loyalty_event_receipts r where r.event_id = e.id)
          order by e.created_at limit ${opts.limit ?? 2000}`)
      ).rows;
      let credited = 0;
      for (const e of events) {
        await db.transaction(async (tx) => {
          const [first] = await tx.insert(loyaltyEventReceipts).values({ eventId: e.id, processedAt: clock.now() }).onConflictDoNothing().returning();
          if (!first || !e.customer_id || !e.store_id) return;
          const p = e.payload;
          // Multipliers and expiry follow when it happened, not when the consumer ran.
          const when = p['closedAt'] ?? p['deliveredAt'];
          const at = typeof when === 'string' && !Number.isNaN(Date.parse(when)) ? new Date(when) : new Date(e.created_at);
          if (e.type === 'repair_order.closed') {
            const spendFen = Number(p['totalFen'] ?? 0);
            const points = await pointsFor(tx, { source: 'repair_order', roKind: String(p['kind'] ?? ''), storeId: e.store_id, spendFen, at });
            if (points > 0) {
              await earn(tx, { customerId: e.customer_id, points, source: 'repair_order', spendFen, reason: `维修工单 ${String(p['roNo'] ?? '')} / Repair order`, idempotencyKey: `ro:${String(p['roId'])}`, refType: 'repair_order', refId: String(p['roId']), at });
              credited++;
            }
          } else if (e.type === 'sales_order.delivered') {
            const spendFen = Number(p['priceFen'] ?? 0);
            const points = await pointsFor(tx, { source: 'sales_order', storeId: e.store_id, at });
            if (points > 0) {
              await earn(tx, { customerId: e.customer_id, points, source: 'sales_order', spendFen, reason: `新车交付 ${String(p['orderNo'] ?? '')} / Car delivered`, idempotencyKey: `so:${String(p['orderId'])}`, refType: 'sales_order', refId: String(p['orderId']), at });
              credited++;
            }
          }
        });
      }
      await db.delete(loyaltyEventReceipts).where(sql`${loyaltyEventReceipts.processedAt} < ${new Date(clock.now().getTime() - 2 * EVENT_LOOKBACK_MS).toISOString()}::timestamptz`);
      credited += await creditAnsweredSurveys(since);
      return { events: events.length, credited };
    },

    /** The `loyalty.expire-points` job: expires due lots in batches of customers (set-based); safe to re-run. */
    async expirePoints(): Promise<{ lots: number; points: number }> {
      const out = { lots: 0, points: 0 };
      for (;;) {
        const r = await db.transaction((tx) => expireDue(tx, clock.now()));
        out.lots += r.lots;
        out.points += r.points;
        if (r.lots === 0) return out;
      }
    },

    /**
     * The `loyalty.expiry-notice` job: for every customer with points expiring within the notice window (default
     * 30 days) not yet noticed, one SMS + one portal-inbox message through the messaging gate (firing key per
     * customer and expiry day), then marks those lots noticed. Set-based.
     */
    async noticeExpiring(): Promise<{ customers: number }> {
      const now = clock.now();
      const s = await settingsOf(db);
      const at = sql`${now.toISOString()}::timestamptz`;
      const audience = sql`
        select l.customer_id, null::uuid as vehicle_id,
          'loyalty.expiring:' || l.customer_id || ':' || to_char(min(l.expires_at) at time zone st.timezone, 'YYYY-MM-DD') as firing_key,
          jsonb_build_object('到期积分', sum(l.remaining)::text, '到期日期', to_char((min(l.expires_at) at time zone st.timezone) - interval '1 second', 'YYYY-MM-DD')) as vars
        from loyalty_lots l join stores st on st.id = l.store_id
        where l.remaining > 0 and l.noticed_at is null and l.expires_at > ${at} and l.expires_at <= ${at} + make_interval(days => ${s.expiryNoticeDays})
        group by l.customer_id, st.timezone`;
      const counted = await db.execute<{ n: number }>(sql`select count(*)::int as n from (${audience}) a`);
      if (counted.rows[0]!.n === 0) return { customers: 0 };
      await db.transaction(async (tx) => {
        for (const channel of ['sms', 'inbox'] as const) {
          await messaging.enqueueForAudience(tx, {
            audience: sql`select customer_id, vehicle_id, firing_key || ':' || ${channel}::text as firing_key, vars from (${audience}) a`,
            channel,
            purpose: 'service',
            templateCode: 'loyalty.points_expiring',
            rowVarKeys: ['到期积分', '到期日期'],
          });
        }
        await tx.execute(sql`update loyalty_lots set noticed_at = ${at} where remaining > 0 and noticed_at is null and expires_at > ${at} and expires_at <= ${at} + make_interval(days => ${s.expiryNoticeDays})`);
      });
      return { customers: counted.rows[0]!.n };
    },

    /** The yearly tier review (`loyalty.tier-review`, 1 January): every account to the tier it qualifies for, up or down. */
    async reviewTiers(): Promise<{ changed: number }> {
      return db.transaction((tx) => evaluateTiers(tx, { customerIds: null, mode: 'review', now: clock.now(), reason: '年度等级评定 / Yearly review' }));
    },

    /** Reconciliation check (benchmarks, ops): rows where an invariant fails. */
    reconcile: (customerIds: string[] | null = null) => reconcile(db, customerIds),

    // ---- staff: settings ------------------------------------------------------------------------------------

    async getConfig(actor: Actor): Promise<TLoyaltyConfig> {
      assertCan(actor, 'loyalty.read');
      const [settings, rules, mults] = [
        await settingsOf(db),
        await db.select().from(loyaltyEarnRules).orderBy(asc(loyaltyEarnRules.source), asc(loyaltyEarnRules.roKind)),
        await db.select().from(loyaltyMultipliers).orderBy(desc(loyaltyMultipliers.startsAt)).limit(100),
      ];
      const tiers = await db.select().from(loyaltyTiers).orderBy(asc(loyaltyTiers.preset), asc(loyaltyTiers.rank));
      return {
        settings,
        tiers: tiers.map(tierOut),
        earnRules: rules.map((r) => ({ source: r.source, roKind: r.roKind, pointsPerYuanX100: r.pointsPerYuanX100, fixedPoints: r.fixedPoints, active: r.active })),
        multipliers: mults.map((m) => ({ id: m.id, name: m.name, factorX100: m.factorX100, source: m.source, roKind: m.roKind, storeId: m.storeId, startsAt: m.startsAt, endsAt: m.endsAt })),
      };
    },

    async putSettings(actor: Actor, input: TLoyaltySettings): Promise<TLoyaltyConfig> {
      assertCan(actor, 'loyalty.manage');
      assertProgrammeOwner(actor);
      await db.transaction(async (tx) => {
        await tx
          .insert(loyaltySettings)
          .values({ id: 1, ...input, updatedBy: staffIdOf(actor) })
          .onConflictDoUpdate({ target: loyaltySettings.id, set: { ...input, updatedBy: staffIdOf(actor), updatedAt: clock.now() } });
        await recordAudit(tx, actor, { action: 'loyalty.settings', entityType: 'loyalty_settings', detail: { ...input } });
      });
      return this.getConfig(actor);
    },

    async updateTier(actor: Actor, id: string, patch: TTierUpdate): Promise<TTier> {
      assertCan(actor, 'loyalty.manage');
      assertProgrammeOwner(actor);
      return db.transaction(async (tx) => {
        const [t] = await tx.update(loyaltyTiers).set({ ...patch, updatedAt: clock.now() }).where(eq(loyaltyTiers.id, id)).returning();
        if (!t) throw new NotFoundError('会员等级');
        await recordAudit(tx, actor, { action: 'loyalty.tier.update', entityType: 'loyalty_tier', entityId: id, detail: { ...patch } });
        return tierOut(t);
      });
    },

    async putEarnRules(actor: Actor, rules: TEarnRule[]): Promise<TEarnRule[]> {
      assertCan(actor, 'loyalty.manage');
      assertProgrammeOwner(actor);
      return db.transaction(async (tx) => {
        for (const r of rules) {
          await tx
            .insert(loyaltyEarnRules)
            .values(r)
            .onConflictDoUpdate({ target: [loyaltyEarnRules.source, loyaltyEarnRules.roKind], set: { pointsPerYuanX100: r.pointsPerYuanX100, fixedPoints: r.fixedPoints, active: r.active, updatedAt: clock.now() } });
        }
        await recordAudit(tx, actor, { action: 'loyalty.earn_rules', entityType: 'loyalty_earn_rules', detail: { rules } });
        const all = await tx.select().from(loyaltyEarnRules).orderBy(asc(loyaltyEarnRules.source), asc(loyaltyEarnRules.roKind));
        return all.map((x) => ({ source: x.source, roKind: x.roKind, pointsPerYuanX100: x.pointsPerYuanX100, fixedPoints: x.fixedPoints, active: x.active }));
      });
    },

    async createMultiplier(actor: Actor, input: TMultiplierInput) {
      assertCan(actor, 'loyalty.manage');
      if (input.endsAt <= input.startsAt) throw new ValidationError('结束时间须晚于开始时间 / The end must be after the start', [{ path: 'body.endsAt', message: 'before start' }]);
      if (input.storeId) assertStoreAccess(actor, input.storeId, '门店');
      else if (!isGroupWide(actor)) input = { ...input, storeId: actor.storeId };
      return db.transaction(async (tx) => {
        const [m] = await tx
          .insert(loyaltyMultipliers)
          .values({ ...input, createdBy: staffIdOf(actor) })
          .returning();
        await recordAudit(tx, actor, { action: 'loyalty.multiplier.create', entityType: 'loyalty_multiplier', entityId: m!.id, storeId: m!.storeId, detail: { name: m!.name, factorX100: m!.factorX100 } });
        return { id: m!.id, name: m!.name, factorX100: m!.factorX100, source: m!.source, roKind: m!.roKind, storeId: m!.storeId, startsAt: m!.startsAt, endsAt: m!.endsAt };
      });
    },

    async deleteMultiplier(actor: Actor, id: string): Promise<void> {
      assertCan(actor, 'loyalty.manage');
      await db.transaction(async (tx) => {
        const [m] = await tx.select().from(loyaltyMultipliers).where(eq(loyaltyMultipliers.id, id));
        if (!m || (m.storeId === null && !isGroupWide(actor)) || (m.storeId && !isGroupWide(actor) && m.storeId !== actor.storeId)) throw new NotFoundError('积分活动');
        await tx.delete(loyaltyMultipliers).where(eq(loyaltyMultipliers.id, id));
        await recordAudit(tx, actor, { action: 'loyalty.multiplier.delete', entityType: 'loyalty_multiplier', entityId: id, storeId: m.storeId });
      });
    },

    // ---- staff: accounts ------------------------------------------------------------------------------------

    async getAccount(actor: Actor, customerId: string): Promise<TAccount> {
      assertCan(actor, 'loyalty.read');
      await customerInScope(db, actor, customerId);
      return accountOf(db, customerId);
    },

    async listLedger(actor: Actor, customerId: string, q: { limit: number; cursor?: string }): Promise<Page<TLedgerEntry>> {
      assertCan(actor, 'loyalty.read');
      await customerInScope(db, actor, customerId);
      return ledgerPage(db, customerId, q);
    },

    /** A manual adjustment (±) with a reason; permission-gated and audited. `idempotencyKey` from the header. */
    async adjust(actor: Actor, customerId: string, input: TAdjustment, idempotencyKey?: string): Promise<{ entryId: string; balance: number; duplicate: boolean }> {
      assertCan(actor, 'loyalty.adjust');
      return db.transaction(async (tx) => {
        const c = await customerInScope(tx, actor, customerId);
        if (c.status !== 'active') throw new BusinessRuleError('customer-inactive', '该客户已合并或已注销 / This customer was merged or erased');
        const key = `adjust:${customerId}:${idempotencyKey ?? newId()}`;
        const base = { customerId, reason: input.reason, idempotencyKey: key, refType: 'staff', refId: staffIdOf(actor), createdBy: staffIdOf(actor), at: clock.now() };
        const res =
          input.points > 0
            ? await credit(tx, { ...base, points: input.points, kind: 'adjust', source: 'manual' })
            : await debit(tx, { ...base, points: -input.points, kind: 'adjust' });
        if (!res.duplicate) {
          await recordAudit(tx, actor, { action: 'loyalty.adjust', entityType: 'loyalty_account', entityId: customerId, storeId: c.storeId, customerId, detail: { points: input.points, reason: input.reason, entryId: res.entryId } });
          if (input.points > 0) await evaluateTiers(tx, { customerIds: [customerId], mode: 'upgrade', now: clock.now(), reason: '人工调整 / Manual adjustment' });
        }
        return res;
      });
    },

    // ---- rewards --------------------------------------------------------------------------------------------

    async listRewards(actor: Actor): Promise<TReward[]> {
      assertCan(actor, 'loyalty.read');
      return rewardsVisibleTo(db, isGroupWide(actor) ? null : actor.storeId, false);
    },

    async createReward(actor: Actor, input: TRewardInput): Promise<TReward> {
      assertCan(actor, 'loyalty.manage');
      if (input.storeId) assertStoreAccess(actor, input.storeId, '门店');
      else if (!isGroupWide(actor)) input = { ...input, storeId: actor.storeId };
      return db.transaction(async (tx) => {
        const [r] = await tx
          .insert(loyaltyRewards)
          .values({ ...input, createdBy: staffIdOf(actor) })
          .returning();
        await recordAudit(tx, actor, { action: 'loyalty.reward.create', entityType: 'loyalty_reward', entityId: r!.id, storeId: r!.storeId, detail: { name: r!.name, pointsCost: r!.pointsCost } });
        return rewardOut(r!);
      });
    },

    async updateReward(actor: Actor, id: string, patch: TRewardPatch): Promise<TReward> {
      assertCan(actor, 'loyalty.manage');
      return db.transaction(async (tx) => {
        const [cur] = await tx.select().from(loyaltyRewards).where(eq(loyaltyRewards.id, id));
        if (!cur || (!isGroupWide(actor) && cur.storeId !== actor.storeId)) throw new NotFoundError('权益');
        const { storeId: _s, ...rest } = patch;
        const [r] = await tx
          .update(loyaltyRewards)
          .set({ ...rest, updatedAt: clock.now() })
          .where(eq(loyaltyRewards.id, id))
          .returning();
        await recordAudit(tx, actor, { action: 'loyalty.reward.update', entityType: 'loyalty_reward', entityId: id, storeId: cur.storeId, detail: { ...rest } });
        return rewardOut(r!);
      });
    },

    // ---- coupons --------------------------------------------------------------------------------------------

    async listCouponsStaff(actor: Actor, q: { customerId?: string; state?: TCoupon['state']; limit: number; cursor?: string }): Promise<Page<TCoupon>> {
      assertCan(actor, 'loyalty.read');
      if (q.customerId) await customerInScope(db, actor, q.customerId);
      return listCoupons(db, and(storeScope(actor, customers.storeId), q.customerId ? eq(coupons.customerId, q.customerId) : undefined), q);
    },

    /** Looks a coupon up by its code (the 核销 screen, before choosing the RO). Any store of the group may redeem it. */
    async findCoupon(actor: Actor, input: string): Promise<TCoupon> {
      assertCan(actor, 'coupons.redeem');
      const code = normalizeCode(input);
      if (!code) throw new ValidationError('券码有误，请核对 / This code is not valid, check it', [{ path: 'params.code', message: 'check character' }]);
      const [r] = await db.select({ c: coupons, customerName: customers.name }).from(coupons).innerJoin(customers, eq(customers.id, coupons.customerId)).where(eq(coupons.code, code));
      if (!r) throw new NotFoundError('券');
      return couponOut(r.c, clock.now(), { customerName: r.customerName });
    },

    /**
     * 核销: redeems a coupon against a repair order of the actor's store — exactly once (one conditional UPDATE:
     * status issued, valid now). The RO must be the coupon owner's. Audited; emits `coupon.redeemed`.
     */
    async redeemCoupon(actor: Actor, input: string, repairOrderId: string): Promise<TCoupon> {
      assertCan(actor, 'coupons.redeem');
      const code = normalizeCode(input);
      if (!code) throw new ValidationError('券码有误，请核对 / This code is not valid, check it', [{ path: 'params.code', message: 'check character' }]);
      return db.transaction(async (tx) => {
        const ro = await tx.execute<{ id: string; store_id: string; customer_id: string; ro_no: string }>(sql`
          select id, store_id, customer_id, ro_no from repair_orders where id = ${repairOrderId} and ${storeScope(actor, sql`store_id`)}`);
        const o = ro.rows[0];
        if (!o) throw new NotFoundError('维修工单');
        const now = clock.now();
        const [u] = await tx
          .update(coupons)
          .set({ status: 'redeemed', redeemedAt: now, redeemedBy: staffIdOf(actor), redeemedStoreId: o.store_id, repairOrderId: o.id, updatedAt: now })
          .where(and(eq(coupons.code, code), eq(coupons.status, 'issued'), eq(coupons.customerId, o.customer_id), sql`${coupons.validFrom} <= ${now.toISOString()}::timestamptz`, sql`${coupons.validUntil} > ${now.toISOString()}::timestamptz`))
          .returning();
        if (!u) {
          const [c] = await tx.select().from(coupons).where(eq(coupons.code, code));
          if (!c) throw new NotFoundError('券');
          if (c.status === 'redeemed') throw new ConflictError(`该券已于 ${c.redeemedAt?.toISOString().slice(0, 16).replace('T', ' ')} 核销 / This coupon was already redeemed`, { type: 'coupon', id: c.id });
          if (c.status === 'void') throw new BusinessRuleError('coupon-void', '该券已作废 / This coupon was voided');
          if (c.customerId !== o.customer_id) throw new BusinessRuleError('coupon-other-owner', '该券不属于此工单的车主 / This coupon belongs to another owner');
          throw new BusinessRuleError('coupon-expired', '该券不在有效期内 / This coupon is not valid now');
        }
        await recordAudit(tx, actor, { action: 'coupon.redeem', entityType: 'coupon', entityId: u.id, storeId: o.store_id, customerId: u.customerId, detail: { repairOrderId: o.id, roNo: o.ro_no, valueFen: u.valueFen } });
        await emitEvent(tx, 'coupon.redeemed', { customerId: u.customerId, storeId: o.store_id, payload: { couponId: u.id, repairOrderId: o.id, valueFen: u.valueFen } });
        return couponOut(u, now);
      });
    },

    async voidCoupon(actor: Actor, id: string, reason: string): Promise<TCoupon> {
      assertCan(actor, 'coupons.void');
      return db.transaction(async (tx) => {
        const [c] = await tx.select().from(coupons).innerJoin(customers, eq(customers.id, coupons.customerId)).where(and(eq(coupons.id, id), storeScope(actor, coupons.storeId)));
        if (!c) throw new NotFoundError('券');
        const now = clock.now();
        const [u] = await tx.update(coupons).set({ status: 'void', voidedAt: now, voidReason: reason, updatedAt: now }).where(and(eq(coupons.id, id), eq(coupons.status, 'issued'))).returning();
        if (!u) throw new ConflictError('只有未使用的券可以作废 / Only unused coupons can be voided', { type: 'coupon', id });
        await recordAudit(tx, actor, { action: 'coupon.void', entityType: 'coupon', entityId: id, storeId: u.storeId, customerId: u.customerId, detail: { reason } });
        return couponOut(u, now);
      });
    },

    /** A coupon typed in by staff (campaign gift, goodwill); audited. */
    async issueCouponStaff(actor: Actor, input: { customerId: string; title: string; valueFen: number; validDays: number; source: 'campaign' | 'compensation' | 'manual' }): Promise<TCoupon> {
      assertCan(actor, 'loyalty.manage');
      return db.transaction(async (tx) => {
        const c = await customerInScope(tx, actor, input.customerId);
        const cp = await issueCoupon(tx, { customerId: c.id, spec: { title: input.title, valueFen: input.valueFen, validDays: input.validDays }, source: input.source });
        await recordAudit(tx, actor, { action: 'coupon.issue', entityType: 'coupon', entityId: cp.id, storeId: cp.storeId, customerId: c.id, detail: { title: input.title, valueFen: input.valueFen } });
        return couponOut(cp, clock.now());
      });
    },

    // ---- reports --------------------------------------------------------------------------------------------

    /** Outstanding points and their ¥ value by store and month earned (the liability). */
    async liabilityReport(actor: Actor, q: { storeId?: string }) {
      assertCan(actor, 'loyalty.reports');
      if (q.storeId) assertStoreAccess(actor, q.storeId, '门店');
      const s = await settingsOf(db);
      const r = await db.execute<{ store_id: string; store_name: string; month: string; points: number }>(sql`
        select l.store_id, st.name as store_name, to_char(date_trunc('month', l.earned_at at time zone st.timezone), 'YYYY-MM') as month, sum(l.remaining)::int as points
        from loyalty_lots l join stores st on st.id = l.store_id
        where l.remaining > 0 and ${storeScope(actor, sql`l.store_id`)} and ${q.storeId ? sql`l.store_id = ${q.storeId}` : sql`true`}
        group by 1, 2, 3 order by 3 desc, 2`);
      const rows = r.rows.map((x) => ({ storeId: x.store_id, storeName: x.store_name, month: x.month, points: x.points, valueFen: x.points * s.pointValueFen }));
      const totalPoints = rows.reduce((a, x) => a + x.points, 0);
      return { pointValueFen: s.pointValueFen, totalPoints, totalValueFen: totalPoints * s.pointValueFen, rows };
    },

    /** Coupons issued per store and month, and how many were redeemed / voided / expired. */
    async redemptionRateReport(actor: Actor, q: { storeId?: string; months: number }) {
      assertCan(actor, 'loyalty.reports');
      if (q.storeId) assertStoreAccess(actor, q.storeId, '门店');
      const now = sql`${clock.now().toISOString()}::timestamptz`;
      const r = await db.execute<{ store_id: string; store_name: string; month: string; issued: number; redeemed: number; voided: number; expired: number }>(sql`
        select c.store_id, st.name as store_name, to_char(date_trunc('month', c.created_at at time zone st.timezone), 'YYYY-MM') as month,
          count(*)::int as issued, count(*) filter (where c.status = 'redeemed')::int as redeemed, count(*) filter (where c.status = 'void')::int as voided,
          count(*) filter (where c.status = 'issued' and c.valid_until <= ${now})::int as expired
        from coupons c join stores st on st.id = c.store_id
        where c.created_at >= ${now} - make_interval(months => ${q.months}) and ${storeScope(actor, sql`c.store_id`)} and ${q.storeId ? sql`c.store_id = ${q.storeId}` : sql`true`}
        group by 1, 2, 3 order by 3 desc, 2`);
      const rows = r.rows.map((x) => ({ storeId: x.store_id, storeName: x.store_name, month: x.month, issued: x.issued, redeemed: x.redeemed, voided: x.voided, expired: x.expired, rate: x.issued - x.voided > 0 ? x.redeemed / (x.issued - x.voided) : null }));
      const issued = rows.reduce((a, x) => a + x.issued - x.voided, 0);
      const redeemed = rows.reduce((a, x) => a + x.redeemed, 0);
      return { rows, issued, redeemed, rate: issued > 0 ? redeemed / issued : null };
    },

    // ---- owner (portal) -------------------------------------------------------------------------------------

    async ownerLoyalty(owner: PortalActor) {
      return { account: await accountOf(db, owner.customerId), ledger: (await ledgerPage(db, owner.customerId, { limit: 20 })).items };
    },
    ownerLedger: (owner: PortalActor, q: { limit: number; cursor?: string }) => ledgerPage(db, owner.customerId, q),
    async ownerRewards(owner: PortalActor): Promise<TReward[]> {
      return rewardsVisibleTo(db, owner.storeId, true);
    },
    ownerRedeem: (owner: PortalActor, rewardId: string, idempotencyKey: string) => redeemReward(owner.customerId, rewardId, idempotencyKey, { staffId: null }),
    ownerDonate: (owner: PortalActor, rewardId: string, points: number, idempotencyKey: string) => donate(owner.customerId, rewardId, points, idempotencyKey),
    ownerCoupons: (owner: PortalActor, q: { state?: TCoupon['state']; limit: number; cursor?: string }) => listCoupons(db, eq(coupons.customerId, owner.customerId), q, true),

    redeemReward,
    donate,

    /**
     * Customer merge (the customers module's `TCustomerReassigner`, in the merge's transaction): the source's coupons
     * move to the survivor, and so do its points — without touching a written entry. The source gets one `adjust`
     * entry that uses up all its open lots; the survivor gets one `adjust` entry and lot per source lot, with that
     * lot's points, earning date, expiry and expiry notice, so nothing expires earlier or later than it would have.
     * Both ledgers still reconcile; keys `merge:<source>:out` and `merge:<lot>` make a replay a no-op.
     */
    async reassignCustomer(tx: TDbOrTx, fromCustomerId: string, toCustomerId: string): Promise<number> {
      const now = clock.now();
      const moved = await tx.update(coupons).set({ customerId: toCustomerId, updatedAt: now }).where(eq(coupons.customerId, fromCustomerId)).returning({ id: coupons.id });
      // Both accounts locked in id order (as every other multi-account statement does), the survivor's made if needed.
      await tx.execute(sql`select 1 from loyalty_accounts where customer_id in (${fromCustomerId}::uuid, ${toCustomerId}::uuid) order by customer_id for update`);
      const src = (await tx.execute<{ balance: number }>(sql`select balance from loyalty_accounts where customer_id = ${fromCustomerId}`)).rows[0];
      if (!src || src.balance <= 0) return moved.length;
      await lockAccount(tx, toCustomerId);
      const at = sql`${now.toISOString()}::timestamptz`;
      const r = await tx.execute<{ points: number }>(sql`
        with open as (
          select l.id, l.remaining, l.earned_at, l.expires_at, l.noticed_at, row_number() over (order by l.expires_at, l.earned_at, l.id) as n
          from loyalty_lots l where l.customer_id = ${fromCustomerId} and l.remaining > 0
        ),
        total as (select coalesce(sum(remaining), 0)::int as pts from open),
        out_e as (
          insert into loyalty_ledger (id, customer_id, store_id, kind, points, reason, idempotency_key, ref_type, ref_id, created_at)
          select ${newId()}::uuid, a.customer_id, a.store_id, 'adjust', -total.pts, '客户合并：积分转至保留的客户 / Customer merge: points moved to the surviving record',
            'merge:' || ${fromCustomerId}::text || ':out', 'customer', ${toCustomerId}::text, ${at}
          from loyalty_accounts a cross join total where a.customer_id = ${fromCustomerId} and total.pts > 0
          on conflict (idempotency_key) do nothing
          returning id
        ),
        cons as (
          insert into loyalty_lot_consumptions (entry_id, lot_id, customer_id, points, created_at)
          select out_e.id, open.id, ${fromCustomerId}::uuid, open.remaining, ${at} from out_e cross join open
          returning 1
        ),
        emptied as (update loyalty_lots l set remaining = 0 from open, out_e where l.id = open.id returning l.id),
        in_e as (
          insert into loyalty_ledger (id, customer_id, store_id, kind, points, reason, idempotency_key, ref_type, ref_id, created_at)
          select ${uuidv7Sql(sql`open.n`, now.getTime())}, a.customer_id, a.store_id, 'adjust', open.remaining,
            '客户合并：转入积分 / Customer merge: points moved in', 'merge:' || open.id::text, 'customer', ${fromCustomerId}::text, ${at}
          from out_e cross join open join loyalty_accounts a on a.customer_id = ${toCustomerId}
          on conflict (idempotency_key) do nothing
          returning id, store_id, points, idempotency_key
        ),
        in_lots as (
          insert into loyalty_lots (id, customer_id, store_id, points, remaining, earned_at, expires_at, noticed_at)
          select in_e.id, ${toCustomerId}::uuid, in_e.store_id, in_e.points, in_e.points, open.earned_at, open.expires_at, open.noticed_at
          from in_e join open on in_e.idempotency_key = 'merge:' || open.id::text
          returning points
        ),
        src_acc as (
          update loyalty_accounts set balance = balance - total.pts, updated_at = ${at}
          from total, out_e where customer_id = ${fromCustomerId} returning 1
        ),
        dst_acc as (
          update loyalty_accounts set balance = balance + total.pts, earned_total = earned_total + total.pts, updated_at = ${at}
          from total, out_e where customer_id = ${toCustomerId} returning 1
        )
        -- (Every data-modifying CTE runs to completion whether or not it is read.)
        select coalesce((select sum(points) from in_lots), 0)::int as points`);
      if (r.rows[0]!.points > 0) await evaluateTiers(tx, { customerIds: [toCustomerId], mode: 'upgrade', now, reason: '客户合并 / Customer merge' });
      return moved.length;
    },
  };
}

export type TLoyaltyService = ReturnType<typeof createLoyaltyService>;
