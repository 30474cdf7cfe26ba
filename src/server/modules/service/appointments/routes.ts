import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ZAppointment,
  ZAppointmentCancel,
  ZAppointmentCheckIn,
  ZAppointmentCreate,
  ZAppointmentListQuery,
  ZAppointmentReschedule,
  ZAppointmentSettings,
  ZAppointmentSettingsInput,
  ZAppointmentSettingsQuery,
  ZAvailability,
  ZAvailabilityQuery,
} from '../../../../contracts/appointments.js';
import { ZId } from '../../../../contracts/common.js';
import type { AppContext } from '../../../context.js';
import { actorOf } from '../../../platform/auth.js';

const tags = ['appointments'];
const ZIdParams = z.object({ id: ZId });
const ZIdempotencyHeaders = z.looseObject({ 'idempotency-key': z.string().trim().min(1).max(200).optional() });

/** The staff console's appointment routes (the owner's are under /portal, in the portal module). */
export function appointmentsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const svc = ctx.services.appointments;
  return async (app) => {
    app.get(
      '/appointments',
      {
        schema: {
          operationId: 'listAppointments',
          tags,
          summary: "The store's appointments of a date range (≤ 31 days), or one customer's or car's; each with the customer's no-show count",
          querystring: ZAppointmentListQuery,
          response: { 200: z.object({ items: z.array(ZAppointment) }) },
        },
      },
      async (req) => ({ items: await svc.list(actorOf(req), req.query) }),
    );
    app.get(
      '/appointments/availability',
      { schema: { operationId: 'appointmentAvailability', tags, summary: 'Slots of a store for the next days with capacity, booked and free places', querystring: ZAvailabilityQuery, response: { 200: ZAvailability } } },
      async (req) => svc.availability(actorOf(req), req.query),
    );
    app.get('/appointments/:id', { schema: { operationId: 'getAppointment', tags, params: ZIdParams, response: { 200: ZAppointment } } }, async (req) => svc.get(actorOf(req), req.params.id));
    app.post(
      '/appointments',
      {
        schema: {
          operationId: 'bookAppointment',
          tags,
          summary: 'Book a slot for a car (customer and store come from the car). 422 slot full/closed/past; 409 the car has an open appointment. Accepts Idempotency-Key.',
          headers: ZIdempotencyHeaders,
          body: ZAppointmentCreate,
          response: { 200: ZAppointment, 201: ZAppointment },
        },
      },
      async (req, reply) => {
        const r = await svc.book(actorOf(req), req.body, req.headers['idempotency-key']);
        return reply.status(r.duplicate ? 200 : 201).send(r.appointment);
      },
    );
    app.post(
      '/appointments/:id/reschedule',
      { schema: { operationId: 'rescheduleAppointment', tags, params: ZIdParams, body: ZAppointmentReschedule, response: { 200: ZAppointment } } },
      async (req) => svc.reschedule(actorOf(req), req.params.id, req.body.slotStart),
    );
    app.post(
      '/appointments/:id/cancel',
      { schema: { operationId: 'cancelAppointment', tags, params: ZIdParams, body: ZAppointmentCancel, response: { 200: ZAppointment } } },
      async (req) => svc.cancel(actorOf(req), req.params.id, req.body.reason),
    );
    app.post(
      '/appointments/:id/check-in',
      {
        schema: {
          operationId: 'checkInAppointment',
          tags,
          summary: 'The car has arrived (on its day): mark it checked in and, by default, open its repair order at 接车',
          params: ZIdParams,
          body: ZAppointmentCheckIn,
          response: { 200: ZAppointment },
        },
      },
      async (req) => svc.checkIn(actorOf(req), req.params.id, req.body),
    );
    app.post(
      '/appointments/:id/no-show',
      { schema: { operationId: 'markAppointmentNoShow', tags, summary: 'Mark a booked appointment whose slot has begun as a no-show', params: ZIdParams, response: { 200: ZAppointment } } },
      async (req) => svc.markNoShow(actorOf(req), req.params.id),
    );
    app.get(
      '/appointment-settings',
      { schema: { operationId: 'getAppointmentSettings', tags, summary: "A store's slot length, opening hours, bays and technicians", querystring: ZAppointmentSettingsQuery, response: { 200: ZAppointmentSettings } } },
      async (req) => svc.getSettings(actorOf(req), req.query.storeId),
    );
    app.put(
      '/appointment-settings',
      { schema: { operationId: 'putAppointmentSettings', tags, querystring: ZAppointmentSettingsQuery, body: ZAppointmentSettingsInput, response: { 200: ZAppointmentSettings } } },
      async (req) => svc.putSettings(actorOf(req), req.query.storeId, req.body),
    );
  };
}
