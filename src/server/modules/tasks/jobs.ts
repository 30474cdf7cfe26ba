import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { defineJob, type JobDefinition } from '../../platform/jobs.js';

export const ZEscalateOverdueJob = z.object({}).loose();

/**
 * `tasks.escalate-overdue`: every 15 minutes, flag tasks overdue by more than the store's threshold for the store
 * manager. One set-based UPDATE; a task is escalated once, so re-runs and overlapping runs change nothing twice.
 */
export const escalateOverdueJob = (handler: () => Promise<void>) =>
  defineJob({ id: 'tasks.escalate-overdue', payload: ZEscalateOverdueJob, cron: '*/15 * * * *', retryLimit: 2, retryDelaySeconds: 60, expireInMinutes: 10, handler });

export function tasksJobs(ctx: AppContext): JobDefinition[] {
  return [
    escalateOverdueJob(async () => {
      await ctx.services.tasks.escalateOverdue();
    }),
  ];
}
