import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { defineJob, type JobDefinition } from '../../platform/jobs.js';

/** `portal.purge`: daily at 03:40, drop sign-in codes older than a day and sessions ended more than 30 days ago. */
export const portalPurgeJob = (handler: () => Promise<void>) =>
  defineJob({ id: 'portal.purge', payload: z.object({}).loose(), cron: '40 3 * * *', retryLimit: 2, retryDelaySeconds: 300, expireInMinutes: 30, handler });

export function portalJobs(ctx: AppContext): JobDefinition[] {
  return [portalPurgeJob(() => ctx.services.portal.purge())];
}
