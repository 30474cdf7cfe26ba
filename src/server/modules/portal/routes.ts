import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZAppointmentCancel, ZAppointmentReschedule, ZAvailability } from '../../../contracts/appointments.js';
import { ZId, ZOk } from '../../../contracts/common.js';
import { ZConsentChannel } from '../../../contracts/customers.js';
import {
  ZPortalAppointment,
  ZPortalAppointmentCreate,
  ZPortalAvailabilityQuery,
  ZPortalCodeRequest,
  ZPortalCodeSent,
  ZPortalConsent,
  ZPortalConsentPut,
  ZPortalGarage,
  ZPortalHome,
  ZPortalInbox,
  ZPortalInboxQuery,
  ZPortalLoanQuote,
  ZPortalLoanRequest,
  ZPortalMe,
  ZPortalRepairOrder,
  ZPortalSalesOrder,
  ZPortalVehicleDetail,
  ZPortalVerify,
} from '../../../contracts/portal.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';
import { RateLimitedError } from '../../platform/errors.js';
import { OWNER_SESSION_COOKIE, ownerOf, type TPortalPlugin } from './session.js';

const tags = ['portal'];
const security = [{ owner: [] }];
const ZIdParams = z.object({ id: ZId });
const ZIdempotencyHeaders = z.looseObject({ 'idempotency-key': z.string().trim().min(1).max(200).optional() });

/**
 * A code request answers no sooner than this, whether or not an SMS was written: the outbox write for a known number
 * must not make its answer measurably slower than an unknown number's.
 */
const CODE_RESPONSE_FLOOR_MS = 350;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The owner-facing API: sign-in, the owner's profile, cars, inbox, appointments and the loan calculator. */
export function portalRoutes(ctx: AppContext): TPortalPlugin {
  const portal = ctx.services.portal;
  const appts = ctx.services.appointments;
  return (cookies) => {
    const plugin: FastifyPluginAsyncZod = async (app) => {
      // ---- sign-in -------------------------------------------------------------------------------------------
      app.post(
        '/auth/code',
        {
          config: { ownerPublic: true, rateLimit: { max: 20, timeWindow: '1 minute', keyGenerator: (req) => `portal-code:${req.ip}` } },
          schema: {
            operationId: 'portalRequestCode',
            tags,
            summary: 'Send a 6-digit sign-in code by SMS (the same answer whether or not the number is an owner’s); 429 with retryAfterSeconds when asked too often',
            body: ZPortalCodeRequest,
            response: { 202: ZPortalCodeSent },
          },
        },
        async (req, reply) => {
          const started = performance.now();
          try {
            const out = await portal.requestCode(req.body.mobile, { ip: req.ip });
            await sleep(Math.max(0, CODE_RESPONSE_FLOOR_MS - (performance.now() - started)));
            return reply.status(202).send(out);
          } catch (err) {
            if (err instanceof RateLimitedError) void reply.header('retry-after', String(err.extra?.retryAfterSeconds ?? 60));
            throw err;
          }
        },
      );
      app.post(
        '/auth/verify',
        {
          config: { ownerPublic: true, rateLimit: { max: 30, timeWindow: '1 minute', keyGenerator: (req) => `portal-verify:${req.ip}` } },
          schema: { operationId: 'portalVerifyCode', tags, summary: 'Sign in with the code (sets the owner session and CSRF cookies)', body: ZPortalVerify, response: { 200: ZPortalMe } },
        },
        async (req, reply) => {
          const s = await portal.verifyCode(req.body.mobile, req.body.code, { ip: req.ip, userAgent: req.headers['user-agent'] });
          cookies.set(reply, s.token, s.csrfToken, s.expiresAt);
          return portal.me(s.owner, s.csrfToken);
        },
      );
      app.post('/auth/sign-out', { config: { ownerPublic: true }, schema: { operationId: 'portalSignOut', tags, response: { 200: ZOk } } }, async (req, reply) => {
        const token = req.cookies[OWNER_SESSION_COOKIE];
        if (token) await portal.signOut(token);
        cookies.clear(reply);
        return { ok: true as const };
      });
      app.post(
        '/auth/sign-out-everywhere',
        { schema: { operationId: 'portalSignOutEverywhere', tags, security, summary: 'End every session of the owner (all phones)', response: { 200: z.object({ revoked: z.number().int() }) } } },
        async (req, reply) => {
          const revoked = await portal.signOutEverywhere(ownerOf(req));
          cookies.clear(reply);
          return { revoked };
        },
      );

      // ---- profile -------------------------------------------------------------------------------------------
      app.get('/me', { schema: { operationId: 'portalMe', tags, security, response: { 200: ZPortalMe } } }, async (req) => portal.me(ownerOf(req), req.ownerCsrf ?? ''));
      app.put(
        '/me/consents/:channel',
        {
          schema: {
            operationId: 'portalPutConsent',
            tags,
            security,
            summary: 'Grant or withdraw marketing consent on a channel (recorded with source `portal`)',
            params: z.object({ channel: ZConsentChannel }),
            body: ZPortalConsentPut,
            response: { 200: z.object({ consents: z.array(ZPortalConsent) }) },
          },
        },
        async (req) => ({ consents: await portal.putMarketingConsent(ownerOf(req), req.params.channel, req.body.granted) }),
      );

      // ---- cars ----------------------------------------------------------------------------------------------
      app.get('/home', { schema: { operationId: 'portalHome', tags, security, response: { 200: ZPortalHome } } }, async (req) => portal.home(ownerOf(req)));
      app.get('/vehicles', { schema: { operationId: 'portalVehicles', tags, security, summary: 'My cars with live progress, and cars still on order', response: { 200: ZPortalGarage } } }, async (req) =>
        portal.garage(ownerOf(req)),
      );
      app.get('/vehicles/:id', { schema: { operationId: 'portalVehicle', tags, security, params: ZIdParams, response: { 200: ZPortalVehicleDetail } } }, async (req) => portal.vehicle(ownerOf(req), req.params.id));
      app.get('/repair-orders/:id', { schema: { operationId: 'portalRepairOrder', tags, security, params: ZIdParams, response: { 200: ZPortalRepairOrder } } }, async (req) =>
        portal.repairOrder(ownerOf(req), req.params.id),
      );
      app.get('/sales-orders/:id', { schema: { operationId: 'portalSalesOrder', tags, security, params: ZIdParams, response: { 200: ZPortalSalesOrder } } }, async (req) =>
        portal.salesOrder(ownerOf(req), req.params.id),
      );

      // ---- inbox ---------------------------------------------------------------------------------------------
      app.get('/inbox', { schema: { operationId: 'portalInbox', tags, security, querystring: ZPortalInboxQuery, response: { 200: ZPortalInbox } } }, async (req) => portal.inbox(ownerOf(req), req.query));
      app.post('/inbox/read-all', { schema: { operationId: 'portalInboxReadAll', tags, security, response: { 200: ZOk } } }, async (req) => {
        await portal.markAllRead(ownerOf(req));
        return { ok: true as const };
      });
      app.post('/inbox/:id/read', { schema: { operationId: 'portalInboxRead', tags, security, params: ZIdParams, response: { 200: ZOk } } }, async (req) => {
        await portal.markRead(ownerOf(req), req.params.id);
        return { ok: true as const };
      });

      // ---- appointments (the service module's, narrowed to the owner) ----------------------------------------
      app.get('/appointments', { schema: { operationId: 'portalAppointments', tags, security, response: { 200: z.object({ items: z.array(ZPortalAppointment) }) } } }, async (req) => ({
        items: await appts.listForOwner(ownerOf(req)),
      }));
      app.get(
        '/appointments/availability',
        { schema: { operationId: 'portalAvailability', tags, security, summary: 'Free slots of the store that services my car', querystring: ZPortalAvailabilityQuery, response: { 200: ZAvailability } } },
        async (req) => appts.availabilityForOwner(ownerOf(req), req.query),
      );
      app.post(
        '/appointments',
        {
          schema: {
            operationId: 'portalBook',
            tags,
            security,
            summary: 'Book a slot for one of my cars; 422 when the slot is taken meanwhile; accepts Idempotency-Key',
            headers: ZIdempotencyHeaders,
            body: ZPortalAppointmentCreate,
            response: { 200: ZPortalAppointment, 201: ZPortalAppointment },
          },
        },
        async (req, reply) => {
          const r = await appts.bookForOwner(ownerOf(req), req.body, req.headers['idempotency-key']);
          return reply.status(r.duplicate ? 200 : 201).send(r.appointment);
        },
      );
      app.post('/appointments/:id/cancel', { schema: { operationId: 'portalCancel', tags, security, params: ZIdParams, body: ZAppointmentCancel, response: { 200: ZPortalAppointment } } }, async (req) =>
        appts.cancelForOwner(ownerOf(req), req.params.id, req.body.reason),
      );
      app.post(
        '/appointments/:id/reschedule',
        { schema: { operationId: 'portalReschedule', tags, security, params: ZIdParams, body: ZAppointmentReschedule, response: { 200: ZPortalAppointment } } },
        async (req) => appts.rescheduleForOwner(ownerOf(req), req.params.id, req.body.slotStart),
      );

      // ---- loan calculator -----------------------------------------------------------------------------------
      app.post(
        '/loan-quotes',
        {
          config: { rateLimit: { max: 30, timeWindow: '1 minute', keyGenerator: (req) => `portal-loan:${req.owner?.customerId ?? req.ip}` } },
          schema: { operationId: 'portalLoanQuote', tags, security, summary: 'Monthly payment (equal instalments); the use is recorded as behaviour loan.calculated', body: ZPortalLoanRequest, response: { 200: ZPortalLoanQuote } },
        },
        async (req) => portal.loanQuote(ownerOf(req), req.body),
      );
    };
    return plugin;
  };
}

/** Staff routes about an owner's portal access (outside the portal scope: staff sessions). */
export function portalStaffRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const portal = ctx.services.portal;
  return async (app) => {
    const params = z.object({ customerId: ZId });
    app.get(
      '/portal-access/:customerId',
      {
        schema: {
          operationId: 'portalAccess',
          tags,
          summary: "An owner's portal sign-ins: live sessions, last sign-in, last seen",
          params,
          response: { 200: z.object({ activeSessions: z.number().int(), lastSignInAt: z.date().nullable(), lastSeenAt: z.date().nullable() }) },
        },
      },
      async (req) => portal.accessOf(actorOf(req), req.params.customerId),
    );
    app.post(
      '/portal-access/:customerId/revoke',
      { schema: { operationId: 'portalRevokeSessions', tags, summary: "End every portal session of an owner (audited)", params, response: { 200: z.object({ revoked: z.number().int() }) } } },
      async (req) => portal.revokeSessions(actorOf(req), req.params.customerId),
    );
  };
}
