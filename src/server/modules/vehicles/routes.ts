import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId, zPage } from '../../../contracts/common.js';
import {
  ZVehicle,
  ZVehicleCreate,
  ZVehicleListQuery,
  ZVehicleModel,
  ZVehicleModelCreate,
  ZVehicleModelListQuery,
  ZVehicleModelUpdate,
  ZVehicleUpdate,
} from '../../../contracts/vehicles.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';

const tags = ['vehicles'];
const ZIdParams = z.object({ id: ZId });

export function vehiclesRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const vehicles = ctx.services.vehicles;
  return async (app) => {
    app.get(
      '/vehicle-models',
      { schema: { operationId: 'listVehicleModels', tags, summary: 'The model catalogue', querystring: ZVehicleModelListQuery, response: { 200: zPage(ZVehicleModel) } } },
      async (req) => vehicles.listModels(actorOf(req), req.query),
    );
    app.get(
      '/vehicle-models/:id',
      { schema: { operationId: 'getVehicleModel', tags, params: ZIdParams, response: { 200: ZVehicleModel } } },
      async (req) => vehicles.getModel(actorOf(req), req.params.id),
    );
    app.post(
      '/vehicle-models',
      { schema: { operationId: 'createVehicleModel', tags, summary: 'Add a model to the catalogue (catalogue.manage)', body: ZVehicleModelCreate, response: { 201: ZVehicleModel } } },
      async (req, reply) => reply.status(201).send(await vehicles.createModel(actorOf(req), req.body)),
    );
    app.patch(
      '/vehicle-models/:id',
      { schema: { operationId: 'updateVehicleModel', tags, params: ZIdParams, body: ZVehicleModelUpdate, response: { 200: ZVehicleModel } } },
      async (req) => vehicles.updateModel(actorOf(req), req.params.id, req.body),
    );

    app.get(
      '/vehicles',
      { schema: { operationId: 'listVehicles', tags, querystring: ZVehicleListQuery, response: { 200: zPage(ZVehicle) } } },
      async (req) => vehicles.list(actorOf(req), req.query),
    );
    app.get(
      '/vehicles/:id',
      { schema: { operationId: 'getVehicle', tags, params: ZIdParams, response: { 200: ZVehicle } } },
      async (req) => vehicles.get(actorOf(req), req.params.id),
    );
    app.post(
      '/vehicles',
      { schema: { operationId: 'createVehicle', tags, summary: 'Register a vehicle to a customer (409 on a duplicate VIN)', body: ZVehicleCreate, response: { 201: ZVehicle } } },
      async (req, reply) => reply.status(201).send(await vehicles.create(actorOf(req), req.body)),
    );
    app.patch(
      '/vehicles/:id',
      { schema: { operationId: 'updateVehicle', tags, params: ZIdParams, body: ZVehicleUpdate, response: { 200: ZVehicle } } },
      async (req) => vehicles.update(actorOf(req), req.params.id, req.body),
    );
  };
}
