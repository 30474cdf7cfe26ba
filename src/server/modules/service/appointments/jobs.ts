import { z } from 'zod';
import type { AppContext } from '../../../context.js';
import { defineJob, type JobDefinition } from '../../../platform/jobs.js';

export const ZAppointmentsJob = z.object({}).loose();

/**
 * `service.appointments-no-show`: every 10 minutes, booked appointments whose slot ended more than the store's grace
 * ago become no-shows (one set-based UPDATE with SKIP LOCKED; a row is marked once).
 */
export const noShowJob = (handler: () => Promise<void>) =>
  defineJob({ id: 'service.appointments-no-show', payload: ZAppointmentsJob, cron: '*/10 * * * *', retryLimit: 2, retryDelaySeconds: 60, expireInMinutes: 10, handler });

/**
 * `service.appointments-remind`: hourly from 10:00 to 20:00, the day-before reminder (inbox + SMS) for tomorrow's
 * appointments not yet reminded — so a booking made this afternoon for tomorrow is still reminded today. Firing keys
 * make every run idempotent.
 */
export const reminderJob = (handler: () => Promise<void>) =>
  defineJob({ id: 'service.appointments-remind', payload: ZAppointmentsJob, cron: '0 10-20 * * *', retryLimit: 2, retryDelaySeconds: 120, expireInMinutes: 30, handler });

export function appointmentsJobs(ctx: AppContext): JobDefinition[] {
  return [
    noShowJob(async () => {
      await ctx.services.appointments.markNoShows();
    }),
    reminderJob(async () => {
      await ctx.services.appointments.sendReminders();
    }),
  ];
}
