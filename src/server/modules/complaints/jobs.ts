import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { defineJob, type JobDefinition } from '../../platform/jobs.js';

export const ZComplaintSlaJob = z.object({}).loose();

/**
 * `complaints.sla`: every minute, warn about clocks nearing their deadline and escalate breached ones (store manager,
 * then the CX officer). Set-based statements; each warning and escalation level happens once per clock.
 */
export function complaintsJobs(ctx: AppContext): JobDefinition[] {
  return [
    defineJob({
      id: 'complaints.sla',
      payload: ZComplaintSlaJob,
      cron: '* * * * *',
      retryLimit: 2,
      retryDelaySeconds: 30,
      expireInMinutes: 5,
      handler: async () => {
        await ctx.services.complaints.sweep();
      },
    }),
  ];
}
