import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId, ZOk } from '../../../contracts/common.js';
import {
  ZFiring,
  ZJourneyCatalogue,
  ZPreview,
  ZPreviewInput,
  ZRule,
  ZRuleCreate,
  ZRuleListQuery,
  ZRuleSwitch,
  ZRuleUpdate,
  ZRun,
  ZRunListQuery,
  ZRunStart,
} from '../../../contracts/journeys.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';

const tags = ['journeys'];
const ZIdParams = z.object({ id: ZId });

export function journeysRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const svc = ctx.services.journeys;
  return async (app) => {
    app.get(
      '/journeys/catalogue',
      { schema: { operationId: 'journeyCatalogue', tags, summary: 'Trigger kinds, date fields, events, conditions and the action registry (with param forms)', response: { 200: ZJourneyCatalogue } } },
      async () => svc.catalogue(),
    );
    app.get(
      '/journeys/rules',
      {
        schema: {
          operationId: 'listJourneyRules',
          tags,
          summary: "Default and custom rules of the group and the user's store, with the store's switch and the last run's figures",
          querystring: ZRuleListQuery,
          response: { 200: z.object({ items: z.array(ZRule) }) },
        },
      },
      async (req) => ({ items: await svc.listRules(actorOf(req), req.query) }),
    );
    app.post(
      '/journeys/rules',
      { schema: { operationId: 'createJourneyRule', tags, summary: 'A custom rule (trigger, audience, conditions, actions); disabled unless `enabled`', body: ZRuleCreate, response: { 201: ZRule } } },
      async (req, reply) => reply.status(201).send(await svc.createRule(actorOf(req), req.body)),
    );
    app.post(
      '/journeys/rules/preview',
      {
        schema: {
          operationId: 'previewJourneyRule',
          tags,
          summary: 'How many customers a rule (saved, or an unsaved draft) would fire for today and each of the next days, with a sample',
          body: ZPreviewInput,
          response: { 200: ZPreview },
        },
      },
      async (req) => svc.preview(actorOf(req), req.body),
    );
    app.get('/journeys/rules/:id', { schema: { operationId: 'getJourneyRule', tags, params: ZIdParams, response: { 200: ZRule } } }, async (req) => svc.getRule(actorOf(req), req.params.id));
    app.patch(
      '/journeys/rules/:id',
      { schema: { operationId: 'updateJourneyRule', tags, summary: 'Edit a rule (names the version it read: 409 when changed meanwhile)', params: ZIdParams, body: ZRuleUpdate, response: { 200: ZRule } } },
      async (req) => svc.updateRule(actorOf(req), req.params.id, req.body),
    );
    app.put(
      '/journeys/rules/:id/enabled',
      {
        schema: {
          operationId: 'switchJourneyRule',
          tags,
          summary: "Switch a rule on or off: a group rule for the user's store (group admins: a named store, or the group default)",
          params: ZIdParams,
          body: ZRuleSwitch,
          response: { 200: ZRule },
        },
      },
      async (req) => svc.switchRule(actorOf(req), req.params.id, req.body),
    );
    app.delete(
      '/journeys/rules/:id',
      { schema: { operationId: 'deleteJourneyRule', tags, summary: 'Delete a custom rule (default rules can only be switched off)', params: ZIdParams, response: { 200: ZOk } } },
      async (req) => {
        await svc.deleteRule(actorOf(req), req.params.id);
        return { ok: true as const };
      },
    );
    app.post(
      '/journeys/runs',
      { schema: { operationId: 'startJourneyRun', tags, summary: 'Start a manual run (all enabled rules, or one) for a day; returns at once, poll the run for progress', body: ZRunStart, response: { 202: ZRun } } },
      async (req, reply) => reply.status(202).send((await svc.startRun(actorOf(req), req.body)).run),
    );
    app.get(
      '/journeys/runs',
      { schema: { operationId: 'listJourneyRuns', tags, summary: 'Recent runs, newest first', querystring: ZRunListQuery, response: { 200: z.object({ items: z.array(ZRun) }) } } },
      async (req) => ({ items: await svc.listRuns(actorOf(req), req.query) }),
    );
    app.get('/journeys/runs/:id', { schema: { operationId: 'getJourneyRun', tags, summary: 'A run with its progress and per-rule report', params: ZIdParams, response: { 200: ZRun } } }, async (req) =>
      svc.getRun(actorOf(req), req.params.id),
    );
    app.get(
      '/customers/:id/journey-firings',
      { schema: { operationId: 'listCustomerFirings', tags, summary: "A customer's firings with their reasons, newest first", params: ZIdParams, response: { 200: z.object({ items: z.array(ZFiring) }) } } },
      async (req) => ({ items: await svc.listFirings(actorOf(req), req.params.id) }),
    );
  };
}
