import { z } from 'zod';
import { ZDate } from '../../../contracts/common.js';
import type { AppContext } from '../../context.js';
import { defineJob, type JobDefinition } from '../../platform/jobs.js';

export const ZDailyRunJob = z.object({ asOf: ZDate.optional() });

/**
 * `journeys.daily` (06:00 store time): refreshes every customer's facts as of today, then runs every enabled rule
 * for today. Safe to retry or to run twice: the firing keys decide what is new.
 */
export const dailyRunJob = (ctx: AppContext) =>
  defineJob({
    id: 'journeys.daily',
    payload: ZDailyRunJob,
    cron: '0 6 * * *',
    retryLimit: 2,
    retryDelaySeconds: 300,
    expireInMinutes: 120,
    handler: async (data) => {
      await ctx.services.journeys.run({ kind: 'daily', asOf: data.asOf, refreshFacts: true });
    },
  });

/**
 * `journeys.incremental` (every minute): the domain events this consumer has not handled — event-triggered rules
 * fire on them, and every enabled rule is evaluated again for the customers whose records changed.
 */
export const incrementalRunJob = (ctx: AppContext) =>
  defineJob({
    id: 'journeys.incremental',
    payload: z.object({}).passthrough(),
    cron: '* * * * *',
    retryLimit: 3,
    retryDelaySeconds: 30,
    expireInMinutes: 30,
    handler: async () => {
      await ctx.services.journeys.incremental();
    },
  });

export function journeysJobs(ctx: AppContext): JobDefinition[] {
  return [dailyRunJob(ctx), incrementalRunJob(ctx)];
}
