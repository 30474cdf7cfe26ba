import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId, zPage } from '../../../contracts/common.js';
import { ZRepairOrder, ZRepairOrderCreate, ZRepairOrderListItem, ZRepairOrderListQuery, ZRepairOrderUpdate, ZStageCreate } from '../../../contracts/service.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';

const tags = ['service'];
const ZIdParams = z.object({ id: ZId });

export function serviceRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const ros = ctx.services.serviceOrders;
  return async (app) => {
    app.get(
      '/service-orders',
      { schema: { operationId: 'listRepairOrders', tags, querystring: ZRepairOrderListQuery, response: { 200: zPage(ZRepairOrderListItem) } } },
      async (req) => ros.list(actorOf(req), req.query),
    );
    app.get(
      '/service-orders/:id',
      { schema: { operationId: 'getRepairOrder', tags, summary: 'A repair order with its workshop stages', params: ZIdParams, response: { 200: ZRepairOrder } } },
      async (req) => ros.get(actorOf(req), req.params.id),
    );
    app.post(
      '/service-orders',
      {
        schema: {
          operationId: 'createRepairOrder',
          tags,
          summary: 'Open a repair order for a vehicle (customer and store come from the vehicle)',
          body: ZRepairOrderCreate,
          response: { 201: ZRepairOrder },
        },
      },
      async (req, reply) => reply.status(201).send(await ros.create(actorOf(req), req.body)),
    );
    app.patch(
      '/service-orders/:id',
      { schema: { operationId: 'updateRepairOrder', tags, params: ZIdParams, body: ZRepairOrderUpdate, response: { 200: ZRepairOrder } } },
      async (req) => ros.update(actorOf(req), req.params.id, req.body),
    );
    app.post(
      '/service-orders/:id/stages',
      {
        schema: {
          operationId: 'addRepairOrderStage',
          tags,
          summary: 'Record the next workshop stage (forward only); `delivered` closes the RO',
          params: ZIdParams,
          body: ZStageCreate,
          response: { 201: ZRepairOrder },
        },
      },
      async (req, reply) => reply.status(201).send(await ros.addStage(actorOf(req), req.params.id, req.body)),
    );
  };
}
