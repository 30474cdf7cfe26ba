import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { defineJob, type JobDefinition } from '../../platform/jobs.js';

const ZEmpty = z.object({}).loose();

/**
 * Loyalty's scheduled work (cron in the group's time zone, Asia/Shanghai by default). Every handler is set-based and
 * idempotent: overlapping or repeated runs change nothing twice (receipts, idempotency keys, conditional updates).
 *
 *  - `loyalty.process-events` (every minute): points for closed repair orders and delivered cars; referral progress
 *    and rewards from sales orders.
 *  - `loyalty.expire-points` (00:30): expire due lots, oldest first.
 *  - `loyalty.expiry-notice` (10:00): the 30-days-before notice by SMS and portal inbox.
 *  - `loyalty.tier-review` (1 January 01:00): the yearly tier review (may downgrade).
 */
export function loyaltyJobs(ctx: AppContext): JobDefinition[] {
  const l = ctx.services.loyalty;
  return [
    defineJob({
      id: 'loyalty.process-events',
      payload: ZEmpty,
      cron: '* * * * *',
      retryLimit: 3,
      retryDelaySeconds: 30,
      expireInMinutes: 15,
      handler: async () => {
        await l.processEvents();
        await ctx.services.referrals.processEvents();
      },
    }),
    defineJob({ id: 'loyalty.expire-points', payload: ZEmpty, cron: '30 0 * * *', retryLimit: 2, retryDelaySeconds: 300, expireInMinutes: 60, handler: async () => void (await l.expirePoints()) }),
    defineJob({ id: 'loyalty.expiry-notice', payload: ZEmpty, cron: '0 10 * * *', retryLimit: 2, retryDelaySeconds: 300, expireInMinutes: 60, handler: async () => void (await l.noticeExpiring()) }),
    defineJob({ id: 'loyalty.tier-review', payload: ZEmpty, cron: '0 1 1 1 *', retryLimit: 2, retryDelaySeconds: 600, expireInMinutes: 120, handler: async () => void (await l.reviewTiers()) }),
  ];
}
