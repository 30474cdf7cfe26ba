import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId, ZOk } from '../../../contracts/common.js';
import {
  ZBehaviourEvent,
  ZBehaviourEventCreate,
  ZConsent,
  ZConsentChannel,
  ZConsentPurpose,
  ZConsentPut,
  ZCustomer,
  ZCustomer360,
  ZCustomerCreate,
  ZCustomerList,
  ZCustomerListQuery,
  ZCustomerMerge,
  ZCustomerTagAdd,
  ZCustomerUpdate,
  ZInteraction,
  ZInteractionCreate,
  ZReveal,
  ZRevealResult,
  ZTag,
  ZTagCreate,
  ZTagRef,
  type TCustomer,
  type TTag,
} from '../../../contracts/customers.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';

const ZParams = z.object({ id: ZId });
const TAGS = ['customers'];

// Responses pick their fields here, so a field added to a service shape never leaks by accident.
const customerOut = (c: TCustomer): TCustomer => ({
  id: c.id,
  storeId: c.storeId,
  storeName: c.storeName,
  name: c.name,
  gender: c.gender,
  birthday: c.birthday,
  mobileMasked: c.mobileMasked,
  idNumberMasked: c.idNumberMasked,
  email: c.email,
  city: c.city,
  occupation: c.occupation,
  householdNotes: c.householdNotes,
  sourceChannel: c.sourceChannel,
  wechatBound: c.wechatBound,
  salesConsultant: c.salesConsultant,
  serviceAdvisor: c.serviceAdvisor,
  status: c.status,
  mergedIntoId: c.mergedIntoId,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});
const tagOut = (t: TTag): TTag => ({ id: t.id, name: t.name, color: t.color, kind: t.kind });

/** `/customers` and `/tags`: thin handlers over the customers service; permissions and scope live in the service. */
export function customersRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const customers = ctx.services.customers;
  return async (app) => {
    app.get(
      '/customers',
      { schema: { operationId: 'listCustomers', tags: TAGS, summary: 'Search and list customers (keyset pages)', querystring: ZCustomerListQuery, response: { 200: ZCustomerList } } },
      async (req) => customers.list(actorOf(req), req.query),
    );

    app.post('/customers', { schema: { operationId: 'createCustomer', tags: TAGS, body: ZCustomerCreate, response: { 201: ZCustomer } } }, async (req, reply) =>
      reply.status(201).send(customerOut(await customers.create(actorOf(req), req.body))),
    );

    app.get(
      '/customers/:id',
      { schema: { operationId: 'getCustomer360', tags: TAGS, summary: 'The customer 360 view', params: ZParams, response: { 200: ZCustomer360 } } },
      async (req) => {
        const v = await customers.get360(actorOf(req), req.params.id);
        return { ...v, customer: customerOut(v.customer) };
      },
    );

    app.patch('/customers/:id', { schema: { operationId: 'updateCustomer', tags: TAGS, params: ZParams, body: ZCustomerUpdate, response: { 200: ZCustomer } } }, async (req) =>
      customerOut(await customers.update(actorOf(req), req.params.id, req.body)),
    );

    app.post(
      '/customers/:id/reveal',
      { schema: { operationId: 'revealCustomerField', tags: TAGS, summary: 'Show one full mobile or ID number (audited)', params: ZParams, body: ZReveal, response: { 200: ZRevealResult } } },
      async (req) => {
        const r = await customers.reveal(actorOf(req), req.params.id, req.body.field);
        return { value: r.value };
      },
    );

    app.put(
      '/customers/:id/consents/:channel/:purpose',
      {
        schema: {
          operationId: 'putCustomerConsent',
          tags: TAGS,
          params: z.object({ id: ZId, channel: ZConsentChannel, purpose: ZConsentPurpose }),
          body: ZConsentPut,
          response: { 200: ZConsent },
        },
      },
      async (req) => customers.putConsent(actorOf(req), req.params.id, req.params.channel, req.params.purpose, req.body),
    );

    app.get('/tags', { schema: { operationId: 'listTags', tags: TAGS, response: { 200: z.object({ items: z.array(ZTag) }) } } }, async (req) => ({
      items: (await customers.listTags(actorOf(req))).map(tagOut),
    }));
    app.post('/tags', { schema: { operationId: 'createTag', tags: TAGS, body: ZTagCreate, response: { 201: ZTag } } }, async (req, reply) =>
      reply.status(201).send(tagOut(await customers.createTag(actorOf(req), req.body))),
    );
    app.post(
      '/customers/:id/tags',
      { schema: { operationId: 'addCustomerTag', tags: TAGS, summary: 'Tag a customer (by tag id, or by name: an unknown name creates the tag)', params: ZParams, body: ZCustomerTagAdd, response: { 201: ZTagRef } } },
      async (req, reply) => {
        const t = await customers.addTag(actorOf(req), req.params.id, req.body);
        return reply.status(201).send({ id: t.id, name: t.name, color: t.color });
      },
    );
    app.delete(
      '/customers/:id/tags/:tagId',
      { schema: { operationId: 'removeCustomerTag', tags: TAGS, params: z.object({ id: ZId, tagId: ZId }), response: { 200: ZOk } } },
      async (req) => {
        await customers.removeTag(actorOf(req), req.params.id, req.params.tagId);
        return { ok: true as const };
      },
    );

    app.post(
      '/customers/:id/interactions',
      { schema: { operationId: 'addCustomerInteraction', tags: TAGS, params: ZParams, body: ZInteractionCreate, response: { 201: ZInteraction } } },
      async (req, reply) => reply.status(201).send(await customers.addInteraction(actorOf(req), req.params.id, req.body)),
    );

    app.post(
      '/customers/:id/behaviour-events',
      { schema: { operationId: 'addCustomerBehaviourEvent', tags: TAGS, params: ZParams, body: ZBehaviourEventCreate, response: { 201: ZBehaviourEvent } } },
      async (req, reply) => reply.status(201).send(await customers.addBehaviourEvent(actorOf(req), req.params.id, req.body)),
    );

    app.post(
      '/customers/:id/merge',
      { schema: { operationId: 'mergeCustomers', tags: TAGS, summary: 'Merge a duplicate customer (sourceId) into this one', params: ZParams, body: ZCustomerMerge, response: { 200: ZCustomer360 } } },
      async (req) => {
        const v = await customers.merge(actorOf(req), req.params.id, req.body.sourceId);
        return { ...v, customer: customerOut(v.customer) };
      },
    );
  };
}
