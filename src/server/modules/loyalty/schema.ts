import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { pk, timestamps } from '../../db/columns.js';
import { customers } from '../customers/schema.js';
import { staff, stores } from '../org/schema.js';

/** Where points come from (earn rules are keyed by it; campaign multipliers may target one). */
export const pointsSource = pgEnum('points_source', ['repair_order', 'sales_order', 'referral', 'event', 'survey', 'journey', 'compensation', 'manual']);
/** A ledger entry's kind: earn (+, opens a lot), redeem / expire / donate (−, consume lots oldest first), adjust (±). */
export const ledgerKind = pgEnum('ledger_kind', ['earn', 'redeem', 'expire', 'adjust', 'donate']);
export const rewardKind = pgEnum('reward_kind', ['labour_voucher', 'parts_discount', 'perk', 'merchandise', 'charity']);
export const couponStatus = pgEnum('coupon_status', ['issued', 'redeemed', 'void']);
export const couponSource = pgEnum('coupon_source', ['redemption', 'campaign', 'journey', 'compensation', 'referral', 'manual']);

/** The tier ladder (group-wide). Two presets ship (`explorer` default, `metal`); the active one is in loyalty_settings. */
export const loyaltyTiers = pgTable(
  'loyalty_tiers',
  {
    id: pk(),
    preset: text('preset').notNull(),
    code: text('code').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    /** 0 = the entry tier; higher is better. */
    rank: integer('rank').notNull(),
    /** Qualifies with points earned in the last 12 months ≥ this … */
    minPoints12m: integer('min_points_12m').notNull().default(0),
    /** … or service/sales spend in 12 months ≥ this (0 = not a criterion) … */
    minSpend12mFen: bigint('min_spend_12m_fen', { mode: 'number' }).notNull().default(0),
    /** … or delivered referrals ≥ this (0 = not a criterion). */
    minReferrals: integer('min_referrals').notNull().default(0),
    benefits: jsonb('benefits').$type<{ zh: string; en: string }[]>().notNull().default([]),
    /** Maintenance discount in percent (shown with the benefits, applied by the advisor). */
    maintenanceDiscountPct: integer('maintenance_discount_pct').notNull().default(0),
    ...timestamps,
  },
  (t) => [uniqueIndex('loyalty_tiers_preset_code_uq').on(t.preset, t.code), uniqueIndex('loyalty_tiers_preset_rank_uq').on(t.preset, t.rank)],
);

/** The programme's settings: one row (id = 1). */
export const loyaltySettings = pgTable('loyalty_settings', {
  id: integer('id').primaryKey().default(1),
  activePreset: text('active_preset').notNull().default('explorer'),
  /** What one point is worth to the dealer (the liability report), in fen. */
  pointValueFen: integer('point_value_fen').notNull().default(1),
  /** Lots expire at the end of the year this many years after the year they were earned (1 = end of next year). */
  expiryYears: integer('expiry_years').notNull().default(1),
  expiryNoticeDays: integer('expiry_notice_days').notNull().default(30),
  updatedBy: uuid('updated_by').references(() => staff.id),
  ...timestamps,
});

/** Earn rules: per ¥ by RO kind (`roKind`), or fixed points per occurrence (delivery, referral, event, survey). */
export const loyaltyEarnRules = pgTable(
  'loyalty_earn_rules',
  {
    id: pk(),
    source: pointsSource('source').notNull(),
    /** For repair orders: the RO kind ('' = every kind without a rule of its own). */
    roKind: text('ro_kind').notNull().default(''),
    /** Points per ¥1 (×100: 100 = 1 point per ¥). */
    pointsPerYuanX100: integer('points_per_yuan_x100').notNull().default(0),
    fixedPoints: integer('fixed_points').notNull().default(0),
    active: boolean('active').notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex('loyalty_earn_rules_uq').on(t.source, t.roKind)],
);

/** A campaign multiplier: points from `source` (null = all) earned inside the window are multiplied. */
export const loyaltyMultipliers = pgTable(
  'loyalty_multipliers',
  {
    id: pk(),
    name: text('name').notNull(),
    /** ×100: 200 = double points. */
    factorX100: integer('factor_x100').notNull(),
    source: pointsSource('source'),
    roKind: text('ro_kind'),
    storeId: uuid('store_id').references(() => stores.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    createdBy: uuid('created_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [index('loyalty_multipliers_window_idx').on(t.startsAt, t.endsAt), index('loyalty_multipliers_store_idx').on(t.storeId), index('loyalty_multipliers_created_by_idx').on(t.createdBy)],
);

/** One account per customer: the balance (never negative: a CHECK and a conditional update) and the current tier. */
export const loyaltyAccounts = pgTable(
  'loyalty_accounts',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    balance: integer('balance').notNull().default(0),
    earnedTotal: integer('earned_total').notNull().default(0),
    tierCode: text('tier_code').notNull().default(''),
    tierRank: integer('tier_rank').notNull().default(0),
    tierSince: timestamp('tier_since', { withTimezone: true }).notNull().defaultNow(),
    ...timestamps,
  },
  (t) => [check('loyalty_accounts_balance_nonneg', sql`balance >= 0`), index('loyalty_accounts_store_idx').on(t.storeId)],
);

/** The append-only points ledger (a trigger refuses UPDATE and DELETE). The balance is the sum of `points`. */
export const loyaltyLedger = pgTable(
  'loyalty_ledger',
  {
    id: pk(),
    customerId: uuid('customer_id').notNull(),
    storeId: uuid('store_id').notNull(),
    kind: ledgerKind('kind').notNull(),
    source: pointsSource('source'),
    /** Signed: + for earn and positive adjustments, − for the rest. */
    points: integer('points').notNull(),
    /** The ¥ spend an earn was computed from (tier spend thresholds). */
    spendFen: bigint('spend_fen', { mode: 'number' }).notNull().default(0),
    reason: text('reason').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** What it refers to: an RO, a sales order, a redemption, a referral … */
    refType: text('ref_type'),
    refId: text('ref_id'),
    /** Charity donations: the reward (project) donated to. */
    rewardId: uuid('reward_id'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('loyalty_ledger_idem_uq').on(t.idempotencyKey),
    index('loyalty_ledger_customer_idx').on(t.customerId, t.createdAt.desc()),
    index('loyalty_ledger_store_idx').on(t.storeId, t.createdAt),
    index('loyalty_ledger_reward_idx').on(t.rewardId).where(sql`reward_id is not null`),
    check('loyalty_ledger_sign', sql`(kind = 'earn' and points > 0) or (kind in ('redeem', 'expire', 'donate') and points < 0) or (kind = 'adjust' and points <> 0)`),
  ],
);

/** A lot: the points of one positive entry, consumed oldest first, expiring at `expiresAt`. */
export const loyaltyLots = pgTable(
  'loyalty_lots',
  {
    /** = the ledger entry that opened it. */
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id').notNull(),
    storeId: uuid('store_id').notNull(),
    points: integer('points').notNull(),
    remaining: integer('remaining').notNull(),
    earnedAt: timestamp('earned_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** When the expiry notice for this lot went to the owner's outbox. */
    noticedAt: timestamp('noticed_at', { withTimezone: true }),
  },
  (t) => [
    check('loyalty_lots_remaining', sql`remaining >= 0 and remaining <= points`),
    index('loyalty_lots_open_idx').on(t.customerId, t.expiresAt, t.earnedAt).where(sql`remaining > 0`),
    index('loyalty_lots_expiry_idx').on(t.expiresAt).where(sql`remaining > 0`),
    index('loyalty_lots_store_idx').on(t.storeId, t.earnedAt),
  ],
);

/** Which lots a negative entry consumed (append-only): earned = consumed + outstanding, per lot. */
export const loyaltyLotConsumptions = pgTable(
  'loyalty_lot_consumptions',
  {
    entryId: uuid('entry_id').notNull(),
    lotId: uuid('lot_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    points: integer('points').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.entryId, t.lotId] }), index('loyalty_lot_consumptions_lot_idx').on(t.lotId), check('loyalty_lot_consumptions_pos', sql`points > 0`)],
);

/** Tier changes of a customer: upgrades on crossing a threshold, the yearly review's downgrades, manual changes. */
export const loyaltyTierHistory = pgTable(
  'loyalty_tier_history',
  {
    id: pk(),
    customerId: uuid('customer_id').notNull(),
    storeId: uuid('store_id').notNull(),
    fromCode: text('from_code').notNull(),
    toCode: text('to_code').notNull(),
    reason: text('reason').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('loyalty_tier_history_customer_idx').on(t.customerId, t.at.desc())],
);

/** The rewards catalogue 权益 (group-wide, or one store's). */
export const loyaltyRewards = pgTable(
  'loyalty_rewards',
  {
    id: pk(),
    storeId: uuid('store_id').references(() => stores.id),
    kind: rewardKind('kind').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    pointsCost: integer('points_cost').notNull(),
    /** The coupon's face value (labour voucher ¥, parts discount ¥); 0 for perks and merchandise. */
    valueFen: bigint('value_fen', { mode: 'number' }).notNull().default(0),
    /** null = unlimited. */
    stock: integer('stock'),
    issuedCount: integer('issued_count').notNull().default(0),
    /** Coupons issued for it are valid this many days. */
    validDays: integer('valid_days').notNull().default(90),
    availableFrom: timestamp('available_from', { withTimezone: true }),
    availableUntil: timestamp('available_until', { withTimezone: true }),
    minTierRank: integer('min_tier_rank').notNull().default(0),
    /** null = no limit. */
    perCustomerLimit: integer('per_customer_limit'),
    /** Charity: points donated so far (the running total owners see). */
    donatedPoints: bigint('donated_points', { mode: 'number' }).notNull().default(0),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [
    check('loyalty_rewards_stock', sql`stock is null or stock >= 0`),
    check('loyalty_rewards_cost', sql`points_cost > 0`),
    index('loyalty_rewards_store_idx').on(t.storeId),
    index('loyalty_rewards_created_by_idx').on(t.createdBy),
  ],
);

/** A redemption: points for a reward; the coupon it issued. */
export const loyaltyRedemptions = pgTable(
  'loyalty_redemptions',
  {
    id: pk(),
    customerId: uuid('customer_id').notNull(),
    storeId: uuid('store_id').notNull(),
    rewardId: uuid('reward_id')
      .notNull()
      .references(() => loyaltyRewards.id),
    points: integer('points').notNull(),
    entryId: uuid('entry_id').notNull(),
    couponId: uuid('coupon_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('loyalty_redemptions_customer_idx').on(t.customerId, t.rewardId), index('loyalty_redemptions_reward_idx').on(t.rewardId), uniqueIndex('loyalty_redemptions_entry_uq').on(t.entryId)],
);

/** Coupons 券: an unguessable code (+ check character), value, validity; redeemed 核销 once against a repair order. */
export const coupons = pgTable(
  'coupons',
  {
    id: pk(),
    code: text('code').notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** The issuing store (redeemable at any store of the group). */
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    title: text('title').notNull(),
    valueFen: bigint('value_fen', { mode: 'number' }).notNull().default(0),
    source: couponSource('source').notNull(),
    rewardId: uuid('reward_id').references(() => loyaltyRewards.id),
    /** One coupon per key, ever (journey firing keys, complaint ids, referral rewards). */
    issueKey: text('issue_key'),
    status: couponStatus('status').notNull().default('issued'),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true }).notNull(),
    redeemedAt: timestamp('redeemed_at', { withTimezone: true }),
    redeemedBy: uuid('redeemed_by').references(() => staff.id),
    redeemedStoreId: uuid('redeemed_store_id').references(() => stores.id),
    repairOrderId: uuid('repair_order_id'),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidReason: text('void_reason'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('coupons_code_uq').on(t.code),
    uniqueIndex('coupons_issue_key_uq').on(t.issueKey).where(sql`issue_key is not null`),
    index('coupons_customer_idx').on(t.customerId, t.createdAt.desc()),
    index('coupons_store_idx').on(t.storeId, t.createdAt),
    index('coupons_reward_idx').on(t.rewardId),
    index('coupons_redeemed_by_idx').on(t.redeemedBy),
    index('coupons_redeemed_store_idx').on(t.redeemedStoreId),
    index('coupons_ro_idx').on(t.repairOrderId).where(sql`repair_order_id is not null`),
  ],
);

/** Domain events the loyalty consumer has handled (its own receipts). */
export const loyaltyEventReceipts = pgTable(
  'loyalty_event_receipts',
  {
    eventId: uuid('event_id').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId] }), index('loyalty_event_receipts_processed_idx').on(t.processedAt)],
);
