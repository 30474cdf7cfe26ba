import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { pk, timestamps } from '../../db/columns.js';
import { customers } from '../customers/schema.js';
import { staff, stores } from '../org/schema.js';

/** submitted → visited 到店 → test drive 试驾 → ordered → delivered, or lost. */
export const referralStatus = pgEnum('referral_status', ['submitted', 'visited', 'test_drive', 'ordered', 'delivered', 'lost']);
export const referralChannel = pgEnum('referral_channel', ['link', 'staff']);

/** Each owner's referral code (the share link carries it). */
export const referralCodes = pgTable(
  'referral_codes',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id),
    code: text('code').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('referral_codes_code_uq').on(t.code)],
);

/** One referred friend. A phone number is referred once (live referrals); a sales order rewards one referral. */
export const referrals = pgTable(
  'referrals',
  {
    id: pk(),
    referrerCustomerId: uuid('referrer_customer_id')
      .notNull()
      .references(() => customers.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    friendName: text('friend_name').notNull(),
    friendMobile: text('friend_mobile').notNull(),
    friendCustomerId: uuid('friend_customer_id').references(() => customers.id),
    interestedModel: text('interested_model').notNull().default(''),
    channel: referralChannel('channel').notNull(),
    status: referralStatus('status').notNull().default('submitted'),
    salesOrderId: uuid('sales_order_id'),
    /** The referrer's how-many-th rewarded referral (1st → maintenance voucher …). */
    rewardRank: integer('reward_rank'),
    referrerCouponId: uuid('referrer_coupon_id'),
    refereeCouponId: uuid('referee_coupon_id'),
    rewardedAt: timestamp('rewarded_at', { withTimezone: true }),
    lostReason: text('lost_reason'),
    history: jsonb('history').$type<{ status: string; at: string }[]>().notNull().default([]),
    createdBy: uuid('created_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('referrals_friend_mobile_uq').on(t.friendMobile).where(sql`status <> 'lost'`),
    uniqueIndex('referrals_sales_order_uq').on(t.salesOrderId).where(sql`sales_order_id is not null`),
    index('referrals_referrer_idx').on(t.referrerCustomerId, t.createdAt.desc()),
    index('referrals_store_idx').on(t.storeId, t.createdAt.desc()),
    index('referrals_friend_customer_idx').on(t.friendCustomerId),
    index('referrals_rewarded_idx').on(t.rewardedAt).where(sql`rewarded_at is not null`),
    index('referrals_created_by_idx').on(t.createdBy),
  ],
);

/** The referral reward ladder and the referee's discount (one row, id = 1). */
export const referralSettings = pgTable('referral_settings', {
  id: integer('id').primaryKey().default(1),
  /** nth = 1, 2, 3 (3 = third and later). */
  tiers: jsonb('tiers').$type<{ nth: number; title: string; valueFen: number }[]>().notNull(),
  refereeTitle: text('referee_title').notNull(),
  refereeDiscountFen: integer('referee_discount_fen').notNull(),
  validDays: integer('valid_days').notNull().default(180),
  updatedBy: uuid('updated_by').references(() => staff.id),
  ...timestamps,
});

/** Domain events the referrals consumer has handled (its own receipts). */
export const referralEventReceipts = pgTable(
  'referral_event_receipts',
  {
    eventId: uuid('event_id').primaryKey(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('referral_event_receipts_processed_idx').on(t.processedAt)],
);
