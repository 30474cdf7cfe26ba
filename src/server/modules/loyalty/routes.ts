import crypto from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId, ZOk, zPage } from '../../../contracts/common.js';
import {
  ZAccount,
  ZAdjustment,
  ZCoupon,
  ZCouponIssue,
  ZCouponListQuery,
  ZCouponRedeem,
  ZCouponVoid,
  ZDonate,
  ZEarnRule,
  ZLeaderboard,
  ZLeaderboardQuery,
  ZLedgerEntry,
  ZLedgerQuery,
  ZLiabilityReport,
  ZLoyaltyConfig,
  ZLoyaltySettings,
  ZMultiplier,
  ZMultiplierInput,
  ZOwnerReferral,
  ZPortalLoyalty,
  ZRedemptionRateReport,
  ZRedemptionResult,
  ZReferral,
  ZReferralCreate,
  ZReferralListQuery,
  ZReferralSettings,
  ZReferralSignup,
  ZReferralStatusUpdate,
  ZReportQuery,
  ZReward,
  ZRewardInput,
  ZRewardPatch,
  ZTier,
  ZTierUpdate,
} from '../../../contracts/loyalty.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';
import { ownerOf, type TPortalPlugin } from '../portal/session.js';

const tags = ['loyalty'];
const refTags = ['referrals'];
const ZIdParams = z.object({ id: ZId });
const ZCustomerParams = z.object({ customerId: ZId });
const ZCodeParams = z.object({ code: z.string().trim().min(4).max(40) });
const ZIdempotencyHeaders = z.looseObject({ 'idempotency-key': z.string().trim().min(1).max(200).optional() });

/** Staff routes under /api/v1: loyalty settings, members, rewards, coupons (核销), reports, referrals. */
export function loyaltyRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const svc = ctx.services.loyalty;
  const refs = ctx.services.referrals;
  return async (app) => {
    // ---- settings -------------------------------------------------------------------------------------------
    app.get('/loyalty/config', { schema: { operationId: 'getLoyaltyConfig', tags, summary: 'Programme settings, both tier presets, earn rules and campaign multipliers', response: { 200: ZLoyaltyConfig } } }, async (req) =>
      svc.getConfig(actorOf(req)),
    );
    app.put('/loyalty/settings', { schema: { operationId: 'putLoyaltySettings', tags, summary: 'Active tier preset, point value (liability), expiry and notice days', body: ZLoyaltySettings, response: { 200: ZLoyaltyConfig } } }, async (req) =>
      svc.putSettings(actorOf(req), req.body),
    );
    app.patch('/loyalty/tiers/:id', { schema: { operationId: 'updateLoyaltyTier', tags, summary: 'A tier’s names, thresholds and benefits', params: ZIdParams, body: ZTierUpdate, response: { 200: ZTier } } }, async (req) =>
      svc.updateTier(actorOf(req), req.params.id, req.body),
    );
    app.put('/loyalty/earn-rules', { schema: { operationId: 'putEarnRules', tags, summary: 'Points per ¥ by RO kind, fixed points per delivery / referral / event / survey', body: z.array(ZEarnRule).max(50), response: { 200: z.array(ZEarnRule) } } }, async (req) =>
      svc.putEarnRules(actorOf(req), req.body),
    );
    app.post('/loyalty/multipliers', { schema: { operationId: 'createMultiplier', tags, summary: 'A campaign multiplier (2× / 3×) within a window', body: ZMultiplierInput, response: { 201: ZMultiplier } } }, async (req, reply) =>
      reply.status(201).send(await svc.createMultiplier(actorOf(req), req.body)),
    );
    app.delete('/loyalty/multipliers/:id', { schema: { operationId: 'deleteMultiplier', tags, params: ZIdParams, response: { 200: ZOk } } }, async (req) => {
      await svc.deleteMultiplier(actorOf(req), req.params.id);
      return { ok: true as const };
    });

    // ---- members --------------------------------------------------------------------------------------------
    app.get('/loyalty/accounts/:customerId', { schema: { operationId: 'getLoyaltyAccount', tags, summary: 'A member: balance, tier and next tier, expiring points, tier history', params: ZCustomerParams, response: { 200: ZAccount } } }, async (req) =>
      svc.getAccount(actorOf(req), req.params.customerId),
    );
    app.get('/loyalty/accounts/:customerId/ledger', { schema: { operationId: 'listLoyaltyLedger', tags, summary: 'A member’s points ledger, newest first', params: ZCustomerParams, querystring: ZLedgerQuery, response: { 200: zPage(ZLedgerEntry) } } }, async (req) =>
      svc.listLedger(actorOf(req), req.params.customerId, req.query),
    );
    app.post(
      '/loyalty/accounts/:customerId/adjustments',
      {
        schema: {
          operationId: 'adjustPoints',
          tags,
          summary: 'Manual points adjustment (±) with a reason; audited; 422 when it would go below zero; accepts Idempotency-Key',
          params: ZCustomerParams,
          headers: ZIdempotencyHeaders,
          body: ZAdjustment,
          response: { 200: z.object({ entryId: ZId, balance: z.number().int(), duplicate: z.boolean() }) },
        },
      },
      async (req) => svc.adjust(actorOf(req), req.params.customerId, req.body, req.headers['idempotency-key']),
    );

    // ---- rewards --------------------------------------------------------------------------------------------
    app.get('/rewards', { schema: { operationId: 'listRewards', tags, summary: 'The rewards catalogue (group-wide and the store’s own)', response: { 200: z.array(ZReward) } } }, async (req) => svc.listRewards(actorOf(req)));
    app.post('/rewards', { schema: { operationId: 'createReward', tags, body: ZRewardInput, response: { 201: ZReward } } }, async (req, reply) => reply.status(201).send(await svc.createReward(actorOf(req), req.body)));
    app.patch('/rewards/:id', { schema: { operationId: 'updateReward', tags, params: ZIdParams, body: ZRewardPatch, response: { 200: ZReward } } }, async (req) => svc.updateReward(actorOf(req), req.params.id, req.body));

    // ---- coupons --------------------------------------------------------------------------------------------
    app.get('/coupons', { schema: { operationId: 'listCoupons', tags, querystring: ZCouponListQuery, response: { 200: zPage(ZCoupon) } } }, async (req) => svc.listCouponsStaff(actorOf(req), req.query));
    app.post('/coupons', { schema: { operationId: 'issueCoupon', tags, summary: 'Issue a coupon by hand (campaign gift, goodwill); audited', body: ZCouponIssue, response: { 201: ZCoupon } } }, async (req, reply) =>
      reply.status(201).send(await svc.issueCouponStaff(actorOf(req), req.body)),
    );
    app.get('/coupons/:code', { schema: { operationId: 'findCoupon', tags, summary: 'Look a coupon up by its code (scanned or typed; dashes and case ignored)', params: ZCodeParams, response: { 200: ZCoupon } } }, async (req) =>
      svc.findCoupon(actorOf(req), req.params.code),
    );
    app.post(
      '/coupons/:code/redeem',
      {
        config: { rateLimit: { max: 120, timeWindow: '1 minute', keyGenerator: (req) => `coupon-redeem:${req.ip}` } },
        schema: {
          operationId: 'redeemCoupon',
          tags,
          summary: '核销: redeem a coupon against a repair order of your store — exactly once (409 when already redeemed)',
          params: ZCodeParams,
          body: ZCouponRedeem,
          response: { 200: ZCoupon },
        },
      },
      async (req) => svc.redeemCoupon(actorOf(req), req.params.code, req.body.repairOrderId),
    );
    app.post('/coupons/:id/void', { schema: { operationId: 'voidCoupon', tags, summary: 'Void an unused coupon (audited)', params: ZIdParams, body: ZCouponVoid, response: { 200: ZCoupon } } }, async (req) =>
      svc.voidCoupon(actorOf(req), req.params.id, req.body.reason),
    );

    // ---- reports --------------------------------------------------------------------------------------------
    app.get('/loyalty/reports/liability', { schema: { operationId: 'loyaltyLiability', tags, summary: 'Outstanding points and their ¥ value by store and month earned', querystring: ZReportQuery, response: { 200: ZLiabilityReport } } }, async (req) =>
      svc.liabilityReport(actorOf(req), req.query),
    );
    app.get('/loyalty/reports/redemption-rate', { schema: { operationId: 'couponRedemptionRate', tags, summary: 'Coupons issued / redeemed / voided / expired by store and month', querystring: ZReportQuery, response: { 200: ZRedemptionRateReport } } }, async (req) =>
      svc.redemptionRateReport(actorOf(req), req.query),
    );

    // ---- referrals ------------------------------------------------------------------------------------------
    app.get('/referrals', { schema: { operationId: 'listReferrals', tags: refTags, querystring: ZReferralListQuery, response: { 200: zPage(ZReferral) } } }, async (req) => refs.list(actorOf(req), req.query));
    app.post('/referrals', { schema: { operationId: 'createReferral', tags: refTags, summary: 'Enter a referred friend for an owner (no self-referral; a phone is referred once)', body: ZReferralCreate, response: { 201: ZReferral } } }, async (req, reply) =>
      reply.status(201).send(await refs.createByStaff(actorOf(req), req.body)),
    );
    app.post('/referrals/:id/status', { schema: { operationId: 'setReferralStatus', tags: refTags, summary: 'Visited / test drive (forward only) or lost; ordered and delivered follow the sales order', params: ZIdParams, body: ZReferralStatusUpdate, response: { 200: ZReferral } } }, async (req) =>
      refs.setStatus(actorOf(req), req.params.id, req.body),
    );
    app.get('/referrals/leaderboard', { schema: { operationId: 'referralLeaderboard', tags: refTags, summary: '推荐达人: referrers by friends delivered in the month', querystring: ZLeaderboardQuery, response: { 200: ZLeaderboard } } }, async (req) =>
      refs.leaderboard(actorOf(req), req.query),
    );
    app.get('/referral-settings', { schema: { operationId: 'getReferralSettings', tags: refTags, response: { 200: ZReferralSettings } } }, async (req) => refs.getSettings(actorOf(req)));
    app.put('/referral-settings', { schema: { operationId: 'putReferralSettings', tags: refTags, summary: 'The reward ladder (1st, 2nd, 3rd and on) and the referee discount', body: ZReferralSettings, response: { 200: ZReferralSettings } } }, async (req) =>
      refs.putSettings(actorOf(req), req.body),
    );
  };
}

/** Owner-facing routes under /api/v1/portal: my tier and points, rewards and redemption, coupons, referrals. */
export function loyaltyPortalRoutes(ctx: AppContext): TPortalPlugin {
  const svc = ctx.services.loyalty;
  const refs = ctx.services.referrals;
  const ptags = ['portal'];
  const security = [{ owner: [] }];
  return () => {
    const plugin: FastifyPluginAsyncZod = async (app) => {
      app.get('/loyalty', { schema: { operationId: 'portalLoyalty', tags: ptags, security, summary: 'My tier, benefits, next tier, points and recent history', response: { 200: ZPortalLoyalty } } }, async (req) =>
        svc.ownerLoyalty(ownerOf(req)),
      );
      app.get('/loyalty/ledger', { schema: { operationId: 'portalLedger', tags: ptags, security, querystring: ZLedgerQuery, response: { 200: zPage(ZLedgerEntry) } } }, async (req) => svc.ownerLedger(ownerOf(req), req.query));
      app.get('/rewards', { schema: { operationId: 'portalRewards', tags: ptags, security, response: { 200: z.array(ZReward) } } }, async (req) => svc.ownerRewards(ownerOf(req)));
      app.post(
        '/rewards/:id/redeem',
        {
          config: { rateLimit: { max: 30, timeWindow: '1 minute', keyGenerator: (req) => `portal-redeem:${req.owner?.customerId ?? req.ip}` } },
          schema: { operationId: 'portalRedeem', tags: ptags, security, summary: 'Redeem a reward: points deducted and the coupon issued together; accepts Idempotency-Key', params: ZIdParams, headers: ZIdempotencyHeaders, response: { 200: ZRedemptionResult, 201: ZRedemptionResult } },
        },
        async (req, reply) => {
          const r = await svc.ownerRedeem(ownerOf(req), req.params.id, req.headers['idempotency-key'] ?? crypto.randomUUID());
          return reply.status(r.duplicate ? 200 : 201).send(r);
        },
      );
      app.post(
        '/rewards/:id/donate',
        {
          schema: { operationId: 'portalDonate', tags: ptags, security, summary: 'Donate points to a charity project; accepts Idempotency-Key', params: ZIdParams, headers: ZIdempotencyHeaders, body: ZDonate, response: { 200: z.object({ entryId: ZId, balance: z.number().int(), donatedPoints: z.number().int(), duplicate: z.boolean() }) } },
        },
        async (req) => svc.ownerDonate(ownerOf(req), req.params.id, req.body.points, req.headers['idempotency-key'] ?? crypto.randomUUID()),
      );
      app.get('/coupons', { schema: { operationId: 'portalCoupons', tags: ptags, security, summary: 'My coupons with their QR codes', querystring: ZCouponListQuery.omit({ customerId: true }), response: { 200: zPage(ZCoupon) } } }, async (req) =>
        svc.ownerCoupons(ownerOf(req), req.query),
      );
      app.get('/referral', { schema: { operationId: 'portalReferral', tags: ptags, security, summary: 'My referral code, share link, rewards and my friends’ progress', response: { 200: ZOwnerReferral } } }, async (req) =>
        refs.ownerReferral(ownerOf(req)),
      );
      app.post(
        '/referral/signup',
        {
          config: { ownerPublic: true, rateLimit: { max: 10, timeWindow: '1 minute', keyGenerator: (req) => `portal-referral:${req.ip}` } },
          schema: { operationId: 'portalReferralSignup', tags: ptags, summary: 'A friend leaves their name and phone through an owner’s share link (no sign-in)', body: ZReferralSignup, response: { 201: z.object({ ok: z.literal(true), referrerName: z.string() }) } },
        },
        async (req, reply) => reply.status(201).send(await refs.signupViaLink(req.body)),
      );
    };
    return plugin;
  };
}
