import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId, zPage } from '../../../contracts/common.js';
import {
  ZCompensationCreate,
  ZComplaint,
  ZComplaintAssign,
  ZComplaintCreate,
  ZComplaintDetail,
  ZComplaintListQuery,
  ZComplaintNote,
  ZComplaintReopen,
  ZComplaintResolve,
  ZComplaintRevisit,
  ZComplaintSettings,
  ZComplaintSettingsInput,
  ZComplaintType,
  ZRoutingRules,
  ZRoutingRulesInput,
  ZWeeklyAnalysis,
  ZWeeklyQuery,
} from '../../../contracts/complaints.js';
import type { TComplaint } from '../../../contracts/complaints.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';
import { ownerOf, type TPortalPlugin } from '../portal/session.js';

const tags = ['complaints'];
const ZIdParams = z.object({ id: ZId });
const ZStoreQuery = z.object({ storeId: ZId.optional() });

/** Staff routes: the complaint list and detail, each step of the flow, settings, routing, the weekly analysis. */
export function complaintsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const svc = ctx.services.complaints;
  const reports = ctx.services.complaintReports;
  return async (app) => {
    app.get('/complaints', { schema: { operationId: 'listComplaints', tags, summary: 'Complaints of the store, newest first, with their SLA clocks', querystring: ZComplaintListQuery, response: { 200: zPage(ZComplaint) } } }, async (req) =>
      svc.list(actorOf(req), req.query),
    );
    app.post('/complaints', { schema: { operationId: 'createComplaint', tags, summary: 'Take a complaint (hotline, in store, WeChat); routed by the store’s rules', body: ZComplaintCreate, response: { 201: ZComplaint } } }, async (req, reply) =>
      reply.status(201).send(await svc.create(actorOf(req), req.body)),
    );
    app.get(
      '/complaints/weekly',
      { schema: { operationId: 'complaintsWeekly', tags, summary: 'Weekly analysis: by type, root cause, store, advisor; repeat complainants; SLA compliance; trend', querystring: ZWeeklyQuery, response: { 200: ZWeeklyAnalysis } } },
      async (req) => reports.weekly(actorOf(req), req.query),
    );
    app.get(
      '/complaints/weekly/export',
      {
        schema: {
          operationId: 'exportComplaintsWeekly',
          tags,
          summary: 'The weekly analysis as Excel (audited)',
          querystring: ZWeeklyQuery,
          response: { 200: z.unknown().describe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet (a download)') },
        },
      },
      async (req, reply) => {
        const f = await reports.exportWeekly(actorOf(req), req.query);
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="complaints-weekly.xlsx"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`)
          .send(f.buffer);
      },
    );
    app.get('/complaints/:id', { schema: { operationId: 'getComplaint', tags, params: ZIdParams, response: { 200: ZComplaintDetail } } }, async (req) => svc.get(actorOf(req), req.params.id));

    const step = (path: string, operationId: string, summary: string, run: (actor: ReturnType<typeof actorOf>, id: string, note: string) => Promise<TComplaint>) =>
      app.post(`/complaints/:id/${path}`, { schema: { operationId, tags, summary, params: ZIdParams, body: ZComplaintNote, response: { 200: ZComplaint } } }, async (req) =>
        run(actorOf(req), req.params.id, req.body.note ?? ''),
      );
    step('acknowledge', 'acknowledgeComplaint', 'First contact with the owner (stops the acknowledge clock)', (a, id, n) => svc.acknowledge(a, id, n));
    step('feedback', 'complaintFeedback', 'The owner was told the outcome (starts the revisit clock)', (a, id, n) => svc.feedback(a, id, n));
    step('pause', 'pauseComplaint', 'Pause every running clock (waiting for parts or the owner)', (a, id, n) => svc.pause(a, id, n));
    step('resume', 'resumeComplaint', 'Resume the clocks', (a, id, n) => svc.resume(a, id, n));
    step('notes', 'noteComplaint', 'Add a note to the timeline', (a, id, n) => svc.note(a, id, n));
    app.post('/complaints/:id/assign', { schema: { operationId: 'assignComplaint', tags, params: ZIdParams, body: ZComplaintAssign, response: { 200: ZComplaint } } }, async (req) =>
      svc.assign(actorOf(req), req.params.id, req.body.staffId, req.body.note ?? ''),
    );
    app.post('/complaints/:id/resolve', { schema: { operationId: 'resolveComplaint', tags, summary: 'Resolved, with its root cause (starts the feedback clock)', params: ZIdParams, body: ZComplaintResolve, response: { 200: ZComplaint } } }, async (req) =>
      svc.resolve(actorOf(req), req.params.id, req.body),
    );
    app.post(
      '/complaints/:id/revisit',
      { schema: { operationId: 'revisitComplaint', tags, summary: 'The revisit: satisfied closes the complaint, not satisfied reopens it', params: ZIdParams, body: ZComplaintRevisit, response: { 200: ZComplaint } } },
      async (req) => svc.revisit(actorOf(req), req.params.id, req.body),
    );
    app.post('/complaints/:id/reopen', { schema: { operationId: 'reopenComplaint', tags, params: ZIdParams, body: ZComplaintReopen, response: { 200: ZComplaint } } }, async (req) =>
      svc.reopen(actorOf(req), req.params.id, req.body.reason),
    );
    app.post(
      '/complaints/:id/compensations',
      { schema: { operationId: 'compensateComplaint', tags, summary: 'Record a compensation (coupon, points, fee waiver); issued through loyalty when available', params: ZIdParams, body: ZCompensationCreate, response: { 200: ZComplaint } } },
      async (req) => svc.compensate(actorOf(req), req.params.id, req.body),
    );
    app.get('/complaint-settings', { schema: { operationId: 'getComplaintSettings', tags, querystring: ZStoreQuery, response: { 200: ZComplaintSettings } } }, async (req) => svc.getSettings(actorOf(req), req.query.storeId));
    app.put(
      '/complaint-settings',
      { schema: { operationId: 'putComplaintSettings', tags, summary: 'SLA budgets, warning share, escalation wait and business hours of a store', querystring: ZStoreQuery, body: ZComplaintSettingsInput, response: { 200: ZComplaintSettings } } },
      async (req) => svc.putSettings(actorOf(req), req.query.storeId, req.body),
    );
    app.get('/complaint-routing', { schema: { operationId: 'getComplaintRouting', tags, querystring: ZStoreQuery, response: { 200: ZRoutingRules } } }, async (req) => svc.getRouting(actorOf(req), req.query.storeId));
    app.put('/complaint-routing', { schema: { operationId: 'putComplaintRouting', tags, querystring: ZStoreQuery, body: ZRoutingRulesInput, response: { 200: ZRoutingRules } } }, async (req) =>
      svc.putRouting(actorOf(req), req.query.storeId, req.body),
    );
  };
}

const ZOwnerComplaintCreate = z.object({
  type: ZComplaintType,
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(4000).default(''),
  vehicleId: ZId.nullish(),
});

/** The owner's complaints in the portal: raise one, follow its progress. */
export function complaintsPortalRoutes(ctx: AppContext): TPortalPlugin {
  const svc = ctx.services.complaints;
  const security = [{ owner: [] }];
  return () => {
    const plugin: FastifyPluginAsyncZod = async (app) => {
      app.get('/complaints', { schema: { operationId: 'portalListComplaints', tags: ['portal'], security, response: { 200: z.object({ items: z.array(ZComplaint) }) } } }, async (req) => ({
        items: await svc.listForOwner(ownerOf(req)),
      }));
      app.post('/complaints', { schema: { operationId: 'portalCreateComplaint', tags: ['portal'], security, body: ZOwnerComplaintCreate, response: { 201: ZComplaint } } }, async (req, reply) =>
        reply.status(201).send(await svc.createForOwner(ownerOf(req), { ...req.body, description: req.body.description ?? '' })),
      );
      app.get('/complaints/:id', { schema: { operationId: 'portalGetComplaint', tags: ['portal'], security, params: ZIdParams, response: { 200: ZComplaintDetail } } }, async (req) =>
        svc.getForOwner(ownerOf(req), req.params.id),
      );
    };
    return plugin;
  };
}
