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
 * `segments.refresh-daily` (05:00 store time, before the 06:00 lifecycle run, which runs it again itself and finds
 * nothing left to do): the calendar sweep and the customers due, as of today.
 */
export const refreshDailyJob = (ctx: AppContext) =>
  defineJob({
    id: 'segments.refresh-daily',
    payload: ZRefreshAllJob,
    cron: '0 5 * * *',
    retryLimit: 2,
    retryDelaySeconds: 120,
    expireInMinutes: 60,
    handler: async (data) => {
      await ctx.services.segments.refreshDaily(data.asOf);
    },
  });

/**
 * `segments.reconcile` (Sundays 03:00): every customer's facts recomputed from the records, as of today — the safety
 * net under the daily runs (a change whose event was lost is corrected within a week).
 */
export const reconcileJob = (ctx: AppContext) =>
  defineJob({
    id: 'segments.reconcile',
    payload: ZRefreshAllJob,
    cron: '0 3 * * 0',
    retryLimit: 2,
    retryDelaySeconds: 300,
    expireInMinutes: 120,
    handler: async (data) => {
      await ctx.services.segments.refreshAll(data.asOf);
    },
  });

export function segmentsJobs(ctx: AppContext): JobDefinition[] {
  return [refreshChangedJob(ctx), refreshDailyJob(ctx), reconcileJob(ctx)];
}
