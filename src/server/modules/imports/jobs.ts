import { z } from 'zod';
import { ROLES } from '../../../contracts/common.js';
import type { AppContext } from '../../context.js';
import { defineJob, type JobDefinition } from '../../platform/jobs.js';

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
 * `imports.run`: stream, validate, stage and merge one import. Idempotent: a completed import is left alone, and a
 * retry of a failed or interrupted attempt starts again from the file (the merge is one transaction, so an attempt
 * that died wrote nothing).
 */
export const importRunJob = (handler: (data: TImportRunJob) => Promise<void>) =>
  defineJob({ id: 'imports.run', payload: ZImportRunJob, retryLimit: 2, retryDelaySeconds: 30, expireInMinutes: 120, handler });

export function importJobs(ctx: AppContext): JobDefinition[] {
  return [importRunJob((data) => ctx.services.imports.runImport(data))];
}
