import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId, ZListQuery, zPage } from '../../../contracts/common.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';
import { listAudit } from './service.js';

const ZAuditEntry = z.object({
  id: ZId,
  at: z.date(),
  actorStaffId: ZId.nullable(),
  actorName: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  storeId: ZId.nullable(),
  customerId: ZId.nullable(),
  detail: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
});

export function auditRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/audit-log',
      {
        schema: {
          operationId: 'listAuditLog',
          tags: ['audit'],
          querystring: ZListQuery.extend({
            action: z.string().max(100).optional(),
            entityType: z.string().max(50).optional(),
            customerId: ZId.optional(),
            actorStaffId: ZId.optional(),
          }),
          response: { 200: zPage(ZAuditEntry) },
        },
      },
      async (req) => listAudit(ctx.db, actorOf(req), req.query),
    );
  };
}
