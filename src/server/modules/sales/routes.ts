import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId, zPage } from '../../../contracts/common.js';
import { ZMilestoneCreate, ZSalesOrder, ZSalesOrderCreate, ZSalesOrderListItem, ZSalesOrderListQuery, ZSalesOrderUpdate } from '../../../contracts/sales.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';

const tags = ['sales'];
const ZIdParams = z.object({ id: ZId });

export function salesRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const sales = ctx.services.sales;
  return async (app) => {
    app.get(
      '/sales-orders',
      { schema: { operationId: 'listSalesOrders', tags, querystring: ZSalesOrderListQuery, response: { 200: zPage(ZSalesOrderListItem) } } },
      async (req) => sales.list(actorOf(req), req.query),
    );
    app.get(
      '/sales-orders/:id',
      { schema: { operationId: 'getSalesOrder', tags, summary: 'An order with its delivery milestones', params: ZIdParams, response: { 200: ZSalesOrder } } },
      async (req) => sales.get(actorOf(req), req.params.id),
    );
    app.post(
      '/sales-orders',
      { schema: { operationId: 'createSalesOrder', tags, summary: 'Open a new-car order (records the `ordered` milestone)', body: ZSalesOrderCreate, response: { 201: ZSalesOrder } } },
      async (req, reply) => reply.status(201).send(await sales.create(actorOf(req), req.body)),
    );
    app.patch(
      '/sales-orders/:id',
      { schema: { operationId: 'updateSalesOrder', tags, summary: 'Change an open order, or cancel it with `status: cancelled`', params: ZIdParams, body: ZSalesOrderUpdate, response: { 200: ZSalesOrder } } },
      async (req) => sales.update(actorOf(req), req.params.id, req.body),
    );
    app.post(
      '/sales-orders/:id/milestones',
      {
        schema: {
          operationId: 'addSalesOrderMilestone',
          tags,
          summary: 'Record the next delivery milestone (forward only); `delivered` closes the order',
          params: ZIdParams,
          body: ZMilestoneCreate,
          response: { 201: ZSalesOrder },
        },
      },
      async (req, reply) => reply.status(201).send(await sales.addMilestone(actorOf(req), req.params.id, req.body)),
    );
  };
}
