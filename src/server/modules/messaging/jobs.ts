import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { defineJob, type JobDefinition } from '../../platform/jobs.js';

export const ZMessagingSendJob = z.object({}).loose();

/**
 * `messaging.send`: every minute (and right after a manual send), send what is due. Each message carries its own
 * attempts and backoff, so the job itself is idempotent; pg-boss retries the job (with backoff) only when the run
 * as a whole failed, e.g. the database was unreachable.
 */
export const messagingSendJob = (handler: () => Promise<void>) =>
  defineJob({ id: 'messaging.send', payload: ZMessagingSendJob, cron: '* * * * *', retryLimit: 3, retryDelaySeconds: 20, expireInMinutes: 15, handler });

export function messagingJobs(ctx: AppContext): JobDefinition[] {
  return [
    messagingSendJob(async () => {
      await ctx.services.messaging.dispatchDue();
    }),
  ];
}
