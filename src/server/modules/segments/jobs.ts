import { z } from 'zod';
import { ZDate } from '../../../contracts/common.js';
import type { AppContext } from '../../context.js';
import { defineJob, type JobDefinition } from '../../platform/jobs.js';

export const ZRefreshAllJob = z.object({ asOf: ZDate.optional() });

/**
 * `segments.refresh-changed` (every minute): recompute the facts of customers whose records changed (RO opened or
 * closed, car delivered, import completed, customer created/updated/merged). Idempotent per event.
 */
export const refreshChangedJob = (ctx: AppContext) =>
  defineJob({
    id: 'segments.refresh-changed',
    payload: z.object({}).passthrough(),
    cron: '* * * * *',
    retryLimit: 3,
    retryDelaySeconds: 30,
    expireInMinutes: 30,
    handler: async () => {
      await ctx.services.segments.refreshChanged();
    },
  });

/**
 * `segments.refresh-all` (05:00 store time, before the 06:00 lifecycle run; the daily run may also call
 * `services.segments.refreshAll(asOf)` itself): every customer's facts as of today.
 */
export const refreshAllJob = (ctx: AppContext) =>
  defineJob({
    id: 'segments.refresh-all',
    payload: ZRefreshAllJob,
    cron: '0 5 * * *',
    retryLimit: 2,
    retryDelaySeconds: 120,
    expireInMinutes: 60,
    handler: async (data) => {
      await ctx.services.segments.refreshAll(data.asOf);
    },
  });

export function segmentsJobs(ctx: AppContext): JobDefinition[] {
  return [refreshChangedJob(ctx), refreshAllJob(ctx)];
}
