import { z } from 'zod';
import { ZFen, ZId } from './common.js';

export const POINTS_SOURCES = ['repair_order', 'sales_order', 'referral', 'event', 'survey', 'journey', 'compensation', 'manual'] as const;
export const ZPointsSource = z.enum(POINTS_SOURCES);
export const LEDGER_KINDS = ['earn', 'redeem', 'expire', 'adjust', 'donate'] as const;
export const REWARD_KINDS = ['labour_voucher', 'parts_discount', 'perk', 'merchandise', 'charity'] as const;
export const ZRewardKind = z.enum(REWARD_KINDS);
export const COUPON_SOURCES = ['redemption', 'campaign', 'journey', 'compensation', 'referral', 'manual'] as const;
/** `expired` is derived: issued and past its validity. */
export const COUPON_STATES = ['issued', 'redeemed', 'void', 'expired'] as const;

export const REWARD_KIND_LABELS: Record<(typeof REWARD_KINDS)[number], { zh: string; en: string }> = {
  labour_voucher: { zh: '工时券', en: 'Labour voucher' },
  parts_discount: { zh: '配件折扣', en: 'Parts discount' },
  perk: { zh: '第三方权益', en: 'Third-party perk' },
  merchandise: { zh: '精品周边', en: 'Merchandise' },
  charity: { zh: '积分捐赠', en: 'Charity donation' },
};

export const ZBenefit = z.object({ zh: z.string().trim().min(1).max(100), en: z.string().trim().max(100) });

export const ZTier = z.object({
  id: ZId,
  preset: z.string(),
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  rank: z.number().int(),
  minPoints12m: z.number().int(),
  minSpend12mFen: z.number().int(),
  minReferrals: z.number().int(),
  maintenanceDiscountPct: z.number().int(),
  benefits: z.array(ZBenefit),
});
export type TTier = z.infer<typeof ZTier>;

export const ZTierUpdate = z.object({
  nameZh: z.string().trim().min(1).max(30).optional(),
  nameEn: z.string().trim().min(1).max(30).optional(),
  minPoints12m: z.number().int().min(0).max(100_000_000).optional(),
  minSpend12mFen: ZFen.optional(),
  minReferrals: z.number().int().min(0).max(1000).optional(),
  maintenanceDiscountPct: z.number().int().min(0).max(100).optional(),
  benefits: z.array(ZBenefit).max(20).optional(),
});
export type TTierUpdate = z.infer<typeof ZTierUpdate>;

export const ZEarnRule = z.object({
  source: ZPointsSource,
  roKind: z.string().max(30),
  /** 100 = 1 point per ¥1. */
  pointsPerYuanX100: z.number().int().min(0).max(100_000),
  fixedPoints: z.number().int().min(0).max(1_000_000),
  active: z.boolean(),
});
export type TEarnRule = z.infer<typeof ZEarnRule>;

export const ZMultiplierInput = z.object({
  name: z.string().trim().min(1).max(100),
  /** 200 = double points. */
  factorX100: z.number().int().min(100).max(1000),
  source: ZPointsSource.nullable().default(null),
  roKind: z.string().max(30).nullable().default(null),
  storeId: ZId.nullable().default(null),
  startsAt: z.coerce.date(),
  endsAt: z.coerce.date(),
});
export type TMultiplierInput = z.infer<typeof ZMultiplierInput>;
export const ZMultiplier = ZMultiplierInput.extend({ id: ZId });

export const ZLoyaltySettings = z.object({
  activePreset: z.enum(['explorer', 'metal']),
  pointValueFen: z.number().int().min(0).max(10_000),
  expiryYears: z.number().int().min(0).max(10),
  expiryNoticeDays: z.number().int().min(0).max(365),
});
export type TLoyaltySettings = z.infer<typeof ZLoyaltySettings>;

export const ZLoyaltyConfig = z.object({
  settings: ZLoyaltySettings,
  tiers: z.array(ZTier),
  earnRules: z.array(ZEarnRule),
  multipliers: z.array(ZMultiplier),
});
export type TLoyaltyConfig = z.infer<typeof ZLoyaltyConfig>;

export const ZLedgerEntry = z.object({
  id: ZId,
  kind: z.enum(LEDGER_KINDS),
  source: ZPointsSource.nullable(),
  points: z.number().int(),
  reason: z.string(),
  refType: z.string().nullable(),
  refId: z.string().nullable(),
  createdAt: z.date(),
});
export type TLedgerEntry = z.infer<typeof ZLedgerEntry>;

export const ZTierHistory = z.object({ fromCode: z.string(), toCode: z.string(), reason: z.string(), at: z.date() });

export const ZCoupon = z.object({
  id: ZId,
  code: z.string(),
  /** `ABCD-EFGH-JKMN-P` as printed. */
  display: z.string(),
  customerId: ZId,
  customerName: z.string().optional(),
  storeId: ZId,
  title: z.string(),
  valueFen: z.number().int(),
  source: z.enum(COUPON_SOURCES),
  state: z.enum(COUPON_STATES),
  validFrom: z.date(),
  validUntil: z.date(),
  redeemedAt: z.date().nullable(),
  redeemedStoreId: ZId.nullable(),
  repairOrderId: ZId.nullable(),
  voidReason: z.string().nullable(),
  /** SVG QR code as a data URL (owner's coupon list). */
  qr: z.string().optional(),
});
export type TCoupon = z.infer<typeof ZCoupon>;

export const ZAccount = z.object({
  customerId: ZId,
  storeId: ZId,
  balance: z.number().int(),
  earnedTotal: z.number().int(),
  tier: ZTier.nullable(),
  nextTier: ZTier.nullable(),
  tierSince: z.date().nullable(),
  points12m: z.number().int(),
  /** Points expiring in the notice window (and when the first of them do). */
  expiringPoints: z.number().int(),
  expiringAt: z.date().nullable(),
  tierHistory: z.array(ZTierHistory),
});
export type TAccount = z.infer<typeof ZAccount>;

export const ZAdjustment = z.object({
  points: z.number().int().min(-1_000_000).max(1_000_000).refine((n) => n !== 0, '不能为 0 / Must not be 0'),
  reason: z.string().trim().min(2).max(200),
});
export type TAdjustment = z.infer<typeof ZAdjustment>;

export const ZLedgerQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(500).optional() });

export const ZReward = z.object({
  id: ZId,
  storeId: ZId.nullable(),
  kind: ZRewardKind,
  name: z.string(),
  description: z.string(),
  pointsCost: z.number().int(),
  valueFen: z.number().int(),
  stock: z.number().int().nullable(),
  issuedCount: z.number().int(),
  validDays: z.number().int(),
  availableFrom: z.date().nullable(),
  availableUntil: z.date().nullable(),
  minTierRank: z.number().int(),
  perCustomerLimit: z.number().int().nullable(),
  donatedPoints: z.number().int(),
  active: z.boolean(),
});
export type TReward = z.infer<typeof ZReward>;

export const ZRewardInput = z.object({
  storeId: ZId.nullable().default(null),
  kind: ZRewardKind,
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).default(''),
  pointsCost: z.number().int().min(1).max(10_000_000),
  valueFen: ZFen.default(0),
  stock: z.number().int().min(0).max(10_000_000).nullable().default(null),
  validDays: z.number().int().min(1).max(3650).default(90),
  availableFrom: z.coerce.date().nullable().default(null),
  availableUntil: z.coerce.date().nullable().default(null),
  minTierRank: z.number().int().min(0).max(10).default(0),
  perCustomerLimit: z.number().int().min(1).max(1000).nullable().default(null),
  active: z.boolean().default(true),
});
export type TRewardInput = z.infer<typeof ZRewardInput>;
export const ZRewardPatch = ZRewardInput.partial();
export type TRewardPatch = z.infer<typeof ZRewardPatch>;

export const ZRedemptionResult = z.object({ redemptionId: ZId.nullable(), entryId: ZId, balance: z.number().int(), coupon: ZCoupon.nullable(), duplicate: z.boolean() });
export type TRedemptionResult = z.infer<typeof ZRedemptionResult>;
export const ZDonate = z.object({ points: z.number().int().min(1).max(1_000_000) });

export const ZCouponListQuery = z.object({
  customerId: ZId.optional(),
  state: z.enum(COUPON_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export const ZCouponRedeem = z.object({ repairOrderId: ZId });
export const ZCouponVoid = z.object({ reason: z.string().trim().min(2).max(200) });
export const ZCouponIssue = z.object({
  customerId: ZId,
  title: z.string().trim().min(1).max(100),
  valueFen: ZFen,
  validDays: z.number().int().min(1).max(3650).default(90),
  source: z.enum(['campaign', 'compensation', 'manual']).default('manual'),
});

export const ZLiabilityRow = z.object({ storeId: ZId, storeName: z.string(), month: z.string(), points: z.number().int(), valueFen: z.number().int() });
export const ZLiabilityReport = z.object({ pointValueFen: z.number().int(), totalPoints: z.number().int(), totalValueFen: z.number().int(), rows: z.array(ZLiabilityRow) });
export const ZRedemptionRateRow = z.object({
  storeId: ZId,
  storeName: z.string(),
  month: z.string(),
  issued: z.number().int(),
  redeemed: z.number().int(),
  voided: z.number().int(),
  expired: z.number().int(),
  rate: z.number().nullable(),
});
export const ZRedemptionRateReport = z.object({ rows: z.array(ZRedemptionRateRow), issued: z.number().int(), redeemed: z.number().int(), rate: z.number().nullable() });
export const ZReportQuery = z.object({ storeId: ZId.optional(), months: z.coerce.number().int().min(1).max(36).default(12) });

/** The owner's view (portal): account, tier benefits, a page of history. */
export const ZPortalLoyalty = z.object({ account: ZAccount, ledger: z.array(ZLedgerEntry) });

// ---- referrals -------------------------------------------------------------------------------------------------
export const REFERRAL_STATUSES = ['submitted', 'visited', 'test_drive', 'ordered', 'delivered', 'lost'] as const;
export const ZReferralStatus = z.enum(REFERRAL_STATUSES);
export const REFERRAL_STATUS_LABELS: Record<(typeof REFERRAL_STATUSES)[number], { zh: string; en: string }> = {
  submitted: { zh: '已推荐', en: 'Submitted' },
  visited: { zh: '已到店', en: 'Visited' },
  test_drive: { zh: '已试驾', en: 'Test-driven' },
  ordered: { zh: '已订车', en: 'Ordered' },
  delivered: { zh: '已交车', en: 'Delivered' },
  lost: { zh: '未成交', en: 'Lost' },
};

export const ZReferral = z.object({
  id: ZId,
  referrer: z.object({ id: ZId, name: z.string() }),
  storeId: ZId,
  friendName: z.string(),
  friendMobileMasked: z.string(),
  friendCustomerId: ZId.nullable(),
  interestedModel: z.string(),
  channel: z.enum(['link', 'staff']),
  status: ZReferralStatus,
  salesOrderId: ZId.nullable(),
  rewardRank: z.number().int().nullable(),
  referrerCouponId: ZId.nullable(),
  refereeCouponId: ZId.nullable(),
  rewardedAt: z.date().nullable(),
  lostReason: z.string().nullable(),
  history: z.array(z.object({ status: z.string(), at: z.string() })),
  createdAt: z.date(),
});
export type TReferral = z.infer<typeof ZReferral>;

export const ZReferralCreate = z.object({
  referrerCustomerId: ZId,
  friendName: z.string().trim().min(1).max(50),
  friendMobile: z.string().trim().min(5).max(30),
  interestedModel: z.string().trim().max(100).default(''),
});
export const ZReferralSignup = z.object({
  code: z.string().trim().min(4).max(20),
  friendName: z.string().trim().min(1).max(50),
  friendMobile: z.string().trim().min(5).max(30),
  interestedModel: z.string().trim().max(100).default(''),
});
export const ZReferralStatusUpdate = z.object({ status: z.enum(['visited', 'test_drive', 'lost']), reason: z.string().trim().max(200).optional() });
export const ZReferralListQuery = z.object({
  status: ZReferralStatus.optional(),
  referrerCustomerId: ZId.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export const ZLeaderboardQuery = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/).optional(), storeId: ZId.optional() });
export const ZLeaderboard = z.object({
  month: z.string(),
  rows: z.array(z.object({ rank: z.number().int(), customerId: ZId, name: z.string(), delivered: z.number().int(), referred: z.number().int() })),
});
export const ZReferralSettings = z.object({
  tiers: z.array(z.object({ nth: z.number().int().min(1).max(10), title: z.string().trim().min(1).max(50), valueFen: ZFen })).min(1).max(10),
  refereeTitle: z.string().trim().min(1).max(50),
  refereeDiscountFen: ZFen,
  validDays: z.number().int().min(1).max(3650),
});
export type TReferralSettings = z.infer<typeof ZReferralSettings>;
export const ZOwnerReferral = z.object({
  code: z.string(),
  link: z.string(),
  settings: ZReferralSettings,
  referrals: z.array(z.object({ id: ZId, friendName: z.string(), status: ZReferralStatus, statusLabel: z.string(), createdAt: z.date(), rewarded: z.boolean() })),
});
