import type { AppContext } from './context.js';
import type { JobDefinition } from './platform/jobs.js';
import { segmentsJobs } from './modules/segments/jobs.js';
import { tasksJobs } from './modules/tasks/jobs.js';
import { messagingJobs } from './modules/messaging/jobs.js';
import { importJobs } from './modules/imports/jobs.js';
import { appointmentsJobs } from './modules/service/appointments/jobs.js';
import { portalJobs } from './modules/portal/jobs.js';
import { journeysJobs } from './modules/journeys/jobs.js';
import { loyaltyJobs } from './modules/loyalty/jobs.js';
import { complaintsJobs } from './modules/complaints/jobs.js';
import { surveysJobs } from './modules/surveys/jobs.js';

/** Every module's job definitions, registered by the worker. */
export function allJobs(ctx: AppContext): JobDefinition[] {
  return [
    ...importJobs(ctx), ...segmentsJobs(ctx), ...tasksJobs(ctx), ...messagingJobs(ctx), ...appointmentsJobs(ctx), ...portalJobs(ctx),
    ...journeysJobs(ctx), ...loyaltyJobs(ctx), ...complaintsJobs(ctx), ...surveysJobs(ctx),
  ];
}
