import { z } from 'zod';
import { ROLES } from '../../../contracts/common.js';
import type { AppContext } from '../../context.js';
import { defineJob, type JobDefinition } from '../../platform/jobs.js';
import { sweepKeptStaging } from './pipeline.js';

/** Who asked for the run: the job records the audit entry in their name. */
export const ZImportRunJob = z.object({
  importId: z.uuid(),
  actor: z.object({
    staffId: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    storeId: z.uuid().nullable(),
    ip: z.string().optional(),
  }),
});
export type TImportRunJob = z.infer<typeof ZImportRunJob>;

/**
 * `imports.run`: stream, validate, stage and merge one import (taking over the dry run's staged rows when they still
 * match). Idempotent: a completed import is left alone, and a retry of a failed or interrupted attempt starts again
 * from the staged rows or the file (the merge is one transaction, so an attempt that died wrote nothing).
 */
export const importRunJob = (handler: (data: TImportRunJob) => Promise<void>) =>
  defineJob({ id: 'imports.run', payload: ZImportRunJob, retryLimit: 2, retryDelaySeconds: 30, expireInMinutes: 120, handler });

/**
 * `imports.sweep-staging` (hourly): drops the staged rows dry runs kept for imports that will not use them (completed,
 * deleted, or previewed over a day ago). An abandoned million-row preview would otherwise hold ~100 MB.
 */
export const sweepStagingJob = (ctx: AppContext) =>
  defineJob({
    id: 'imports.sweep-staging',
    payload: z.object({}).passthrough(),
    cron: '23 * * * *',
    retryLimit: 1,
    expireInMinutes: 30,
    handler: async () => {
      await sweepKeptStaging(ctx.db, ctx.clock.now());
    },
  });

export function importJobs(ctx: AppContext): JobDefinition[] {
  return [importRunJob((data) => ctx.services.imports.runImport(data)), sweepStagingJob(ctx)];
}
