import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { defineJob, type JobDefinition } from '../../platform/jobs.js';

export const ZSurveyRemindJob = z.object({}).loose();

/** `surveys.remind`: every 15 minutes, the one reminder for unanswered invitations past their reminder time. */
export function surveysJobs(ctx: AppContext): JobDefinition[] {
  return [
    defineJob({
      id: 'surveys.remind',
      payload: ZSurveyRemindJob,
      cron: '*/15 * * * *',
      retryLimit: 2,
      retryDelaySeconds: 60,
      expireInMinutes: 10,
      handler: async () => {
        while ((await ctx.services.surveys.remindDue()) > 0) {
          /* next batch */
        }
      },
    }),
  ];
}
