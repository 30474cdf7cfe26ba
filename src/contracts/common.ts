import { z } from 'zod';

export const ROLES = ['group_admin', 'store_manager', 'sales', 'service', 'cx', 'marketing'] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

export const ZId = z.uuid();
/** A calendar date (birthday, purchase date): 'YYYY-MM-DD'. */
export const ZDate = z.iso.date();
export const ZProblem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  existing: z.object({ type: z.string(), id: z.string(), label: z.string().optional() }).optional(),
});
export const ZListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export const ZOk = z.object({ ok: z.literal(true) });
export const zPage = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable(), total: z.number().int().optional() });
/** Non-negative integer amount in fen (¥1 = 100 fen). */
export const ZFen = z.number().int().min(0).max(1e13);
