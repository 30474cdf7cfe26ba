import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId } from '../../../contracts/common.js';
import {
  ZCustomerFacts,
  ZFactSettingsPut,
  ZFactSettingsView,
  ZSegment,
  ZSegmentCreate,
  ZSegmentCustomers,
  ZSegmentFieldsOut,
  ZSegmentList,
  ZSegmentListQuery,
  ZSegmentPreview,
  ZSegmentPreviewIn,
  ZSegmentUpdate,
} from '../../../contracts/segments.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';

const params = z.object({ id: ZId });

/** Segments and derived facts: `/segments…` and `GET /customers/{id}/facts`. */
export function segmentsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const seg = ctx.services.segments;
  return async (app) => {
    app.get(
      '/customers/:id/facts',
      {
        schema: {
          operationId: 'getCustomerFacts',
          tags: ['segments'],
          summary: "A customer's derived facts (lifecycle, value, needs, churn, trade-in with reasons) and their vehicles' facts",
          params,
          response: { 200: ZCustomerFacts },
        },
      },
      async (req) => seg.getFacts(actorOf(req), req.params.id),
    );

    app.get(
      '/segments/fields',
      { schema: { operationId: 'listSegmentFields', tags: ['segments'], summary: 'The field catalogue the rule builder offers', response: { 200: ZSegmentFieldsOut } } },
      async (req) => seg.fields(actorOf(req)),
    );

    app.post(
      '/segments/preview',
      {
        config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
        schema: {
          operationId: 'previewSegment',
          tags: ['segments'],
          summary: 'Live count and a sample of 20 customers for a rule being edited (nothing is saved)',
          body: ZSegmentPreviewIn,
          response: { 200: ZSegmentPreview },
        },
      },
      async (req) => seg.preview(actorOf(req), req.body.rule),
    );

    app.get(
      '/segments/settings',
      {
        schema: {
          operationId: 'getSegmentSettings',
          tags: ['segments'],
          summary: 'Facts thresholds of a store (or the group when storeId is absent)',
          querystring: z.object({ storeId: ZId.optional() }),
          response: { 200: ZFactSettingsView },
        },
      },
      async (req) => seg.getSettings(actorOf(req), req.query.storeId ?? null),
    );

    app.put(
      '/segments/settings',
      { schema: { operationId: 'putSegmentSettings', tags: ['segments'], summary: 'Replace the overrides of a store (or the group)', body: ZFactSettingsPut, response: { 200: ZFactSettingsView } } },
      async (req) => seg.putSettings(actorOf(req), req.body),
    );

    app.get(
      '/segments',
      { schema: { operationId: 'listSegments', tags: ['segments'], querystring: ZSegmentListQuery, response: { 200: ZSegmentList } } },
      async (req) => seg.list(actorOf(req), req.query),
    );

    app.post(
      '/segments',
      { schema: { operationId: 'createSegment', tags: ['segments'], body: ZSegmentCreate, response: { 201: ZSegment } } },
      async (req, reply) => reply.status(201).send(await seg.create(actorOf(req), req.body)),
    );

    app.get('/segments/:id', { schema: { operationId: 'getSegment', tags: ['segments'], params, response: { 200: ZSegment } } }, async (req) => seg.get(actorOf(req), req.params.id));

    app.patch(
      '/segments/:id',
      { schema: { operationId: 'updateSegment', tags: ['segments'], params, body: ZSegmentUpdate, response: { 200: ZSegment } } },
      async (req) => seg.update(actorOf(req), req.params.id, req.body),
    );

    app.delete('/segments/:id', { schema: { operationId: 'archiveSegment', tags: ['segments'], params, response: { 204: z.null() } } }, async (req, reply) => {
      await seg.archive(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

    app.get(
      '/segments/:id/customers',
      {
        schema: {
          operationId: 'listSegmentCustomers',
          tags: ['segments'],
          params,
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(500).optional() }),
          response: { 200: ZSegmentCustomers },
        },
      },
      async (req) => seg.customers(actorOf(req), req.params.id, req.query),
    );

    app.get(
      '/segments/:id/export',
      {
        config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          operationId: 'exportSegment',
          tags: ['segments'],
          summary: "The segment's customers as an Excel file (phones masked; audited)",
          params,
          response: { 200: z.unknown().describe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet (a download)') },
        },
      },
      async (req, reply) => {
        const file = await seg.export(actorOf(req), req.params.id);
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="segment.xlsx"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
          .header('x-export-count', String(file.count))
          .send(file.stream);
      },
    );
  };
}
