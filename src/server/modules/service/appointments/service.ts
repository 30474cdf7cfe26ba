import { and, asc, desc, eq, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type {
  TAppointment,
  TAppointmentCheckIn,
  TAppointmentCreate,
  TAppointmentListQuery,
  TAppointmentSettings,
  TAppointmentSettingsInput,
  TAppointmentStatus,
  TAvailability,
  TAvailabilityDay,
} from '../../../../contracts/appointments.js';
import type { TPortalAppointment } from '../../../../contracts/portal.js';
import { RO_KINDS, type TRoKind } from '../../../../contracts/service.js';
import { maskMobile } from '../../../../contracts/validators.js';
import type { TDb, TDbOrTx } from '../../../db/index.js';
import type { Clock } from '../../../platform/clock.js';
import { BusinessRuleError, ConflictError, NotFoundError, ValidationError } from '../../../platform/errors.js';
import { ownerServiceActor, type PortalActor } from '../../../platform/owner.js';
import { assertCan, assertStoreAccess, storeScope, type Actor } from '../../../platform/rbac.js';
import { emitEvent, recordAudit } from '../../audit/service.js';
import { customers } from '../../customers/schema.js';
import type { TEnqueueAudience, TEnqueueAudienceResult } from '../../messaging/service.js';
import { uuidv7Sql } from '../../messaging/gate.js';
import { staff, stores } from '../../org/schema.js';
import { vehicles } from '../../vehicles/schema.js';
import { assertStaffOfStore, isUniqueViolation, staffIdOf, vehicleRefs } from '../../vehicles/service.js';
import type { TServiceOrdersService } from '../service.js';
import { capacityOf, checkInError, DEFAULT_APPOINTMENT_SETTINGS, isWithinBookingWindow, localDayOf, localTimeOf, noShowError, ownerMayChange, slotError, slotsOfDay, weekdayOf, addDays } from './rules.js';
import { appointments, appointmentSettings } from './schema.js';

export interface TAppointmentsDeps {
  db: TDb;
  clock: Clock;
  /** The reminder job enqueues through the messaging gate. */
  messaging: { enqueueForAudience(exec: TDbOrTx, input: TEnqueueAudience): Promise<TEnqueueAudienceResult> };
  /** Check-in opens the car's repair order in the same transaction. */
  serviceOrders: Pick<TServiceOrdersService, 'openInTransaction'>;
  log?: (m: string) => void;
}

/** Message template codes of the day-before reminder (seeded for the group by a migration; stores may override). */
export const REMINDER_TEMPLATE = 'appointment.reminder';
const REMINDER_CHANNELS = ['inbox', 'sms'] as const;
/** Advisory lock class serialising the bookings of one slot (the second key is a hash of store and slot). */
const SLOT_LOCK = 815301;
const LIVE: TAppointmentStatus[] = ['booked', 'checked_in'];

const advisor = alias(staff, 'advisor');
const creator = alias(staff, 'creator');

type TSettingsRow = typeof appointmentSettings.$inferSelect;
type TRow = typeof appointments.$inferSelect;

const settingsOf = (r: TSettingsRow | null | undefined): TAppointmentSettingsInput =>
  r
    ? {
        slotMinutes: r.slotMinutes,
        bays: r.bays,
        technicians: r.technicians,
        hours: r.hours,
        graceMinutes: r.graceMinutes,
        leadMinutes: r.leadMinutes,
        horizonDays: r.horizonDays,
        closedDates: r.closedDates,
      }
    : DEFAULT_APPOINTMENT_SETTINGS;

const kindLabelSql = sql.raw(`case a.kind ${RO_KINDS.map((k) => `when '${k.key}' then '${k.zh}'`).join(' ')} end`);

const slotFull = () => new BusinessRuleError('slot-full', '该时段已约满，请选择其他时段 / This slot is fully booked, pick another');

/**
 * Service appointments (part of the service module): per-store slot settings, availability, booking by staff and by
 * owners, rescheduling, cancelling, check-in (which can open the repair order), no-shows and the day-before reminder.
 * A slot never takes more live bookings than its capacity: the bookings of one slot are serialised by an advisory
 * lock and counted under it, so parallel requests cannot both take its last place.
 */
export function createAppointmentsService(deps: TAppointmentsDeps) {
  const { db, clock } = deps;
  const log = deps.log ?? ((m: string) => console.warn(`[appointments] ${m}`));

  async function loadStoreSettings(exec: TDbOrTx, storeId: string) {
    const [r] = await exec
      .select({ s: appointmentSettings, timezone: stores.timezone })
      .from(stores)
      .leftJoin(appointmentSettings, eq(appointmentSettings.storeId, stores.id))
      .where(eq(stores.id, storeId));
    if (!r) throw new NotFoundError('门店');
    return { settings: settingsOf(r.s), tz: r.timezone || 'Asia/Shanghai', row: r.s };
  }

  /** The store a staff call is about: group admins name one, store staff get their own (another store answers 404). */
  function storeParam(actor: Actor, storeId: string | undefined): string {
    const id = storeId ?? actor.storeId;
    if (!id) throw new ValidationError('请选择门店 / Choose a store', [{ path: 'querystring.storeId', message: 'required' }]);
    assertStoreAccess(actor, id, '门店');
    return id;
  }

  function selectRows(exec: TDbOrTx) {
    return exec
      .select({
        a: appointments,
        customerName: customers.name,
        mobile: customers.mobile,
        advisorName: advisor.displayName,
        creatorName: creator.displayName,
        noShows: sql<number>`(select count(*)::int from appointments n where n.customer_id = ${appointments.customerId} and n.status = 'no_show')`,
      })
      .from(appointments)
      .innerJoin(customers, eq(customers.id, appointments.customerId))
      .leftJoin(advisor, eq(advisor.id, appointments.advisorId))
      .leftJoin(creator, eq(creator.id, appointments.createdBy));
  }

  type TSelected = Awaited<ReturnType<ReturnType<typeof selectRows>['execute']>>[number];

  async function toAppointments(exec: TDbOrTx, rows: TSelected[]): Promise<TAppointment[]> {
    const refs = await vehicleRefs(
      exec,
      rows.map((r) => r.a.vehicleId),
    );
    return rows.map(({ a, customerName, mobile, advisorName, creatorName, noShows }) => ({
      id: a.id,
      storeId: a.storeId,
      customer: { id: a.customerId, name: customerName, mobileMasked: mobile ? maskMobile(mobile) : null },
      vehicle: refs.get(a.vehicleId) ?? { id: a.vehicleId, vin: '', plate: null, modelName: null },
      kind: a.kind,
      status: a.status,
      slotStart: a.slotStart,
      slotEnd: a.slotEnd,
      localDate: a.localDate,
      note: a.note,
      source: a.source,
      advisor: a.advisorId && advisorName !== null ? { id: a.advisorId, displayName: advisorName } : null,
      createdBy: a.createdBy && creatorName !== null ? { id: a.createdBy, displayName: creatorName } : null,
      repairOrderId: a.repairOrderId,
      checkedInAt: a.checkedInAt,
      cancelledAt: a.cancelledAt,
      cancelReason: a.cancelReason,
      noShowAt: a.noShowAt,
      remindedAt: a.remindedAt,
      rescheduleCount: a.rescheduleCount,
      createdAt: a.createdAt,
      customerNoShows: Number(noShows),
    }));
  }

  async function loadOne(exec: TDbOrTx, actor: Actor, id: string): Promise<TAppointment> {
    const rows = await selectRows(exec).where(and(eq(appointments.id, id), storeScope(actor, appointments.storeId)));
    if (!rows[0]) throw new NotFoundError('预约');
    return (await toAppointments(exec, rows))[0]!;
  }

  /** Owner-facing shapes of some of one customer's appointments. */
  async function ownerAppointments(exec: TDbOrTx, customerId: string, where?: SQL): Promise<TPortalAppointment[]> {
    const rows = await exec
      .select({ a: appointments, storeName: stores.name, storePhone: stores.phone, storeAddress: stores.address })
      .from(appointments)
      .innerJoin(stores, eq(stores.id, appointments.storeId))
      .where(and(eq(appointments.customerId, customerId), where))
      .orderBy(desc(appointments.slotStart))
      .limit(100);
    const refs = await vehicleRefs(
      exec,
      rows.map((r) => r.a.vehicleId),
    );
    const now = clock.now();
    return rows.map(({ a, storeName, storePhone, storeAddress }) => {
      const v = refs.get(a.vehicleId);
      return {
        id: a.id,
        vehicle: { id: a.vehicleId, plate: v?.plate ?? null, modelName: v?.modelName ?? null },
        kind: a.kind,
        status: a.status,
        slotStart: a.slotStart,
        slotEnd: a.slotEnd,
        localDate: a.localDate,
        note: a.note,
        changeable: ownerMayChange(a.status, a.slotStart, now),
        store: { name: storeName, phone: storePhone, address: storeAddress },
      };
    });
  }

  async function lockSlot(tx: TDbOrTx, storeId: string, slotStart: Date) {
    await tx.execute(sql`select pg_advisory_xact_lock(${SLOT_LOCK}::int, hashtext(${`${storeId}|${slotStart.toISOString()}`}))`);
  }

  async function liveInSlot(tx: TDbOrTx, storeId: string, slotStart: Date, exceptId?: string): Promise<number> {
    const [r] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(appointments)
      .where(
        and(
          eq(appointments.storeId, storeId),
          eq(appointments.slotStart, slotStart),
          inArray(appointments.status, LIVE),
          exceptId ? sql`${appointments.id} <> ${exceptId}` : undefined,
        ),
      );
    return Number(r?.n ?? 0);
  }

  /** Checks a slot against the store's settings and takes its lock; 422 in words when it cannot be had. */
  async function claimSlot(tx: TDbOrTx, storeId: string, slotStart: Date, exceptId?: string) {
    const { settings, tz } = await loadStoreSettings(tx, storeId);
    const err = slotError(settings, slotStart, clock.now(), tz);
    if (err) throw new BusinessRuleError(err.code, err.message);
    const capacity = capacityOf(settings);
    if (capacity === 0) throw new BusinessRuleError('no-capacity', '门店暂未开放预约（工位或技师为 0） / The store takes no bookings (no bays or technicians)');
    await lockSlot(tx, storeId, slotStart);
    if ((await liveInSlot(tx, storeId, slotStart, exceptId)) >= capacity) throw slotFull();
    return { settings, tz, slotEnd: new Date(slotStart.getTime() + settings.slotMinutes * 60_000), localDate: localDayOf(slotStart, tz) };
  }

  interface TBookCore {
    vehicle: { id: string; customerId: string; storeId: string };
    kind: TRoKind;
    slotStart: Date;
    note: string;
    source: 'console' | 'portal';
    createdBy: string | null;
    advisorId: string | null;
    idempotencyKey: string | null;
  }

  /** Books one slot in `tx`; returns the new (or, for a replayed idempotency key, the earlier) appointment's id. */
  async function bookCore(tx: TDbOrTx, p: TBookCore, auditActor: Actor): Promise<{ id: string; duplicate: boolean }> {
    if (p.idempotencyKey) {
      const [dup] = await tx.select({ id: appointments.id }).from(appointments).where(eq(appointments.idempotencyKey, p.idempotencyKey));
      if (dup) return { id: dup.id, duplicate: true };
    }
    const slot = await claimSlot(tx, p.vehicle.storeId, p.slotStart);
    const [open] = await tx
      .select({ id: appointments.id, localDate: appointments.localDate, slotStart: appointments.slotStart })
      .from(appointments)
      .where(and(eq(appointments.vehicleId, p.vehicle.id), eq(appointments.status, 'booked')));
    if (open) throw openConflict(open, slot.tz);
    let id: string;
    try {
      // A savepoint, so that a lost race on the unique indexes leaves the transaction usable for the answer.
      id = await tx.transaction(async (sp) => {
        const [row] = await sp
          .insert(appointments)
          .values({
            storeId: p.vehicle.storeId,
            customerId: p.vehicle.customerId,
            vehicleId: p.vehicle.id,
            kind: p.kind,
            slotStart: p.slotStart,
            slotEnd: slot.slotEnd,
            localDate: slot.localDate,
            note: p.note,
            source: p.source,
            advisorId: p.advisorId,
            createdBy: p.createdBy,
            idempotencyKey: p.idempotencyKey,
            createdAt: clock.now(),
            updatedAt: clock.now(),
          })
          .returning({ id: appointments.id });
        return row!.id;
      });
    } catch (err) {
      if (p.idempotencyKey && isUniqueViolation(err, 'appointments_idempotency_uq')) {
        const [dup] = await tx.select({ id: appointments.id }).from(appointments).where(eq(appointments.idempotencyKey, p.idempotencyKey));
        if (dup) return { id: dup.id, duplicate: true };
      }
      if (isUniqueViolation(err, 'appointments_vehicle_open_uq')) {
        const [o] = await tx
          .select({ id: appointments.id, localDate: appointments.localDate, slotStart: appointments.slotStart })
          .from(appointments)
          .where(and(eq(appointments.vehicleId, p.vehicle.id), eq(appointments.status, 'booked')));
        if (o) throw openConflict(o, slot.tz);
      }
      throw err;
    }
    await recordAudit(tx, auditActor, {
      action: 'appointment.book',
      entityType: 'appointment',
      entityId: id,
      storeId: p.vehicle.storeId,
      customerId: p.vehicle.customerId,
      detail: { vehicleId: p.vehicle.id, kind: p.kind, slotStart: p.slotStart.toISOString(), source: p.source },
    });
    await emitEvent(tx, 'appointment.booked', {
      customerId: p.vehicle.customerId,
      storeId: p.vehicle.storeId,
      payload: { appointmentId: id, vehicleId: p.vehicle.id, kind: p.kind, slotStart: p.slotStart.toISOString(), source: p.source },
    });
    return { id, duplicate: false };
  }

  const openConflict = (o: { id: string; localDate: string; slotStart: Date }, tz: string) =>
    new ConflictError(`这辆车已有一个待到店的预约（${o.localDate} ${localTimeOf(o.slotStart, tz)}），请改约或先取消 / This car already has an open appointment; reschedule or cancel it first`, {
      type: 'appointment',
      id: o.id,
      label: `${o.localDate} ${localTimeOf(o.slotStart, tz)}`,
    });

  async function lockRow(tx: TDbOrTx, where: SQL): Promise<TRow> {
    const [row] = await tx.select().from(appointments).where(where).for('update');
    if (!row) throw new NotFoundError('预约');
    return row;
  }

  async function rescheduleCore(tx: TDbOrTx, row: TRow, slotStart: Date, auditActor: Actor): Promise<void> {
    if (row.status !== 'booked') throw new BusinessRuleError('not-booked', '只有待到店的预约可以改约 / Only a booked appointment can be rescheduled');
    if (row.slotStart.getTime() === slotStart.getTime()) return;
    const slot = await claimSlot(tx, row.storeId, slotStart, row.id);
    await tx
      .update(appointments)
      .set({
        slotStart,
        slotEnd: slot.slotEnd,
        localDate: slot.localDate,
        rescheduleCount: row.rescheduleCount + 1,
        // A new day earns a new reminder (its firing key carries the day).
        remindedAt: slot.localDate === row.localDate ? row.remindedAt : null,
        updatedAt: clock.now(),
      })
      .where(eq(appointments.id, row.id));
    await recordAudit(tx, auditActor, {
      action: 'appointment.reschedule',
      entityType: 'appointment',
      entityId: row.id,
      storeId: row.storeId,
      customerId: row.customerId,
      detail: { from: row.slotStart.toISOString(), to: slotStart.toISOString() },
    });
    await emitEvent(tx, 'appointment.rescheduled', { customerId: row.customerId, storeId: row.storeId, payload: { appointmentId: row.id, from: row.slotStart.toISOString(), to: slotStart.toISOString() } });
  }

  async function cancelCore(tx: TDbOrTx, row: TRow, reason: string, by: { staffId: string | null; owner: boolean }, auditActor: Actor): Promise<void> {
    if (row.status !== 'booked') throw new BusinessRuleError('not-booked', '只有待到店的预约可以取消 / Only a booked appointment can be cancelled');
    const now = clock.now();
    await tx.update(appointments).set({ status: 'cancelled', cancelledAt: now, cancelledBy: by.staffId, cancelReason: reason, updatedAt: now }).where(eq(appointments.id, row.id));
    await recordAudit(tx, auditActor, { action: 'appointment.cancel', entityType: 'appointment', entityId: row.id, storeId: row.storeId, customerId: row.customerId, detail: { reason, byOwner: by.owner } });
    await emitEvent(tx, 'appointment.cancelled', { customerId: row.customerId, storeId: row.storeId, payload: { appointmentId: row.id, byOwner: by.owner } });
  }

  /** The free places of the slots of `days` store-local days from `from`, with one count query over the range. */
  async function availabilityOf(storeId: string, from: string | undefined, days: number): Promise<TAvailability> {
    const { settings, tz } = await loadStoreSettings(db, storeId);
    const now = clock.now();
    const first = from ?? localDayOf(now, tz);
    const capacity = capacityOf(settings);
    const dayList = Array.from({ length: days }, (_, i) => addDays(first, i)).map((date) => ({ date, slots: slotsOfDay(settings, date, tz) }));
    const all = dayList.flatMap((d) => d.slots);
    const counts = new Map<number, number>();
    if (all.length) {
      const rows = await db
        .select({ start: appointments.slotStart, n: sql<number>`count(*)::int` })
        .from(appointments)
        .where(and(eq(appointments.storeId, storeId), gte(appointments.slotStart, all[0]!.start), lt(appointments.slotStart, all.at(-1)!.end), inArray(appointments.status, LIVE)))
        .groupBy(appointments.slotStart);
      for (const r of rows) counts.set(r.start.getTime(), Number(r.n));
    }
    const out: TAvailabilityDay[] = dayList.map((d) => ({
      date: d.date,
      weekday: weekdayOf(d.date),
      closed: d.slots.length === 0,
      slots: d.slots.map((s) => {
        const booked = counts.get(s.start.getTime()) ?? 0;
        const available = Math.max(0, capacity - booked);
        return { start: s.start, end: s.end, time: s.time, capacity, booked, available, bookable: available > 0 && isWithinBookingWindow(settings, s.start, now, tz) };
      }),
    }));
    return { storeId, timezone: tz, capacity, slotMinutes: settings.slotMinutes, days: out };
  }

  /** A vehicle the owner owns (404 otherwise), live and in use. */
  async function ownersVehicle(exec: TDbOrTx, owner: PortalActor, vehicleId: string) {
    const [v] = await exec
      .select({ id: vehicles.id, customerId: vehicles.customerId, storeId: vehicles.storeId, status: vehicles.status, advisorId: customers.serviceAdvisorId })
      .from(vehicles)
      .innerJoin(customers, eq(customers.id, vehicles.customerId))
      .where(and(eq(vehicles.id, vehicleId), eq(vehicles.customerId, owner.customerId), eq(customers.status, 'active')));
    if (!v) throw new NotFoundError('车辆');
    if (v.status !== 'in_use') throw new BusinessRuleError('vehicle-not-in-use', '这辆车已售出或报废，不能预约 / This car is sold or scrapped');
    return v;
  }

  /** The owner's advisor when still an active employee of the store, else nobody (the counter assigns one). */
  async function activeAdvisor(exec: TDbOrTx, staffId: string | null, storeId: string): Promise<string | null> {
    if (!staffId) return null;
    const [s] = await exec
      .select({ id: staff.id })
      .from(staff)
      .where(and(eq(staff.id, staffId), eq(staff.storeId, storeId), eq(staff.active, true)));
    return s?.id ?? null;
  }

  async function getSettings(actor: Actor, storeId?: string): Promise<TAppointmentSettings> {
    assertCan(actor, 'appointments.read');
    const id = storeParam(actor, storeId);
    const { settings, tz, row } = await loadStoreSettings(db, id);
    return { storeId: id, timezone: tz, ...settings, capacity: capacityOf(settings), isDefault: !row, updatedAt: row?.updatedAt ?? null };
  }

  return {
    /** A store's settings (the defaults until it saves its own). */
    getSettings,

    /** Saves a store's settings; bookings already made stay (a smaller capacity only stops new ones). Audited. */
    async putSettings(actor: Actor, storeId: string | undefined, input: TAppointmentSettingsInput): Promise<TAppointmentSettings> {
      assertCan(actor, 'appointments.settings');
      const id = storeParam(actor, storeId);
      await loadStoreSettings(db, id);
      const closedDates = [...new Set(input.closedDates)].sort();
      const values = { ...input, closedDates, updatedBy: staffIdOf(actor) };
      await db.transaction(async (tx) => {
        await tx
          .insert(appointmentSettings)
          .values({ storeId: id, ...values })
          .onConflictDoUpdate({ target: appointmentSettings.storeId, set: { ...values, updatedAt: clock.now() } });
        await recordAudit(tx, actor, { action: 'appointment_settings.update', entityType: 'store', entityId: id, storeId: id, detail: { ...input, closedDates } });
      });
      return getSettings(actor, id);
    },

    /** Free places per slot for a store's next days (staff view: counts included). */
    async availability(actor: Actor, q: { storeId?: string; from?: string; days: number }): Promise<TAvailability> {
      assertCan(actor, 'appointments.read');
      return availabilityOf(storeParam(actor, q.storeId), q.from, q.days);
    },

    /** The store's appointments of some days, or one customer's or car's (newest first), with no-show counts. */
    async list(actor: Actor, q: TAppointmentListQuery): Promise<TAppointment[]> {
      assertCan(actor, 'appointments.read');
      const conds: (SQL | undefined)[] = [storeScope(actor, appointments.storeId)];
      if (q.storeId) {
        assertStoreAccess(actor, q.storeId, '门店');
        conds.push(eq(appointments.storeId, q.storeId));
      }
      if (q.from) conds.push(gte(appointments.localDate, q.from));
      if (q.to) conds.push(lte(appointments.localDate, q.to));
      if (q.status) conds.push(eq(appointments.status, q.status));
      if (q.customerId) conds.push(eq(appointments.customerId, q.customerId));
      if (q.vehicleId) conds.push(eq(appointments.vehicleId, q.vehicleId));
      const byDate = !!(q.from && q.to);
      const rows = await selectRows(db)
        .where(and(...conds))
        .orderBy(byDate ? asc(appointments.slotStart) : desc(appointments.slotStart), asc(appointments.id))
        .limit(q.limit);
      return toAppointments(db, rows);
    },

    get: (actor: Actor, id: string) => {
      assertCan(actor, 'appointments.read');
      return loadOne(db, actor, id);
    },

    /**
     * Books a slot for a car of the actor's store (customer and store come from the car). 422 when the slot is full,
     * closed, past or out of the booking window; 409 when the car already has an open appointment. An
     * `idempotencyKey` makes a retried request return the first booking. Audited; emits `appointment.booked`.
     */
    async book(actor: Actor, input: TAppointmentCreate, idempotencyKey?: string): Promise<{ appointment: TAppointment; duplicate: boolean }> {
      assertCan(actor, 'appointments.book');
      return db.transaction(async (tx) => {
        const [v] = await tx
          .select({ id: vehicles.id, customerId: vehicles.customerId, storeId: vehicles.storeId, status: vehicles.status, customerStatus: customers.status, ownerAdvisor: customers.serviceAdvisorId })
          .from(vehicles)
          .innerJoin(customers, eq(customers.id, vehicles.customerId))
          .where(and(eq(vehicles.id, input.vehicleId), storeScope(actor, vehicles.storeId)));
        if (!v) throw new NotFoundError('车辆');
        if (v.customerStatus !== 'active') throw new BusinessRuleError('customer-inactive', '该客户已合并或已注销 / This customer was merged or erased');
        if (v.status !== 'in_use') throw new BusinessRuleError('vehicle-not-in-use', '这辆车已售出或报废，不能预约 / This car is sold or scrapped');
        let advisorId: string | null;
        if (input.advisorId) {
          await assertStaffOfStore(tx, input.advisorId, v.storeId, 'body.advisorId', '服务顾问', 'service advisor');
          advisorId = input.advisorId;
        } else if (input.advisorId === null) {
          advisorId = null;
        } else {
          advisorId = actor.role === 'service' && actor.storeId === v.storeId ? actor.staffId : await activeAdvisor(tx, v.ownerAdvisor, v.storeId);
        }
        const r = await bookCore(
          tx,
          {
            vehicle: v,
            kind: input.kind,
            slotStart: input.slotStart,
            note: input.note ?? '',
            source: 'console',
            createdBy: staffIdOf(actor),
            advisorId,
            idempotencyKey: idempotencyKey ? `staff:${actor.staffId}:${idempotencyKey}` : null,
          },
          actor,
        );
        return { appointment: await loadOne(tx, actor, r.id), duplicate: r.duplicate };
      });
    },

    /** Moves a booked appointment to another slot of its store (the same checks as booking). Audited. */
    async reschedule(actor: Actor, id: string, slotStart: Date): Promise<TAppointment> {
      assertCan(actor, 'appointments.book');
      return db.transaction(async (tx) => {
        const row = await lockRow(tx, and(eq(appointments.id, id), storeScope(actor, appointments.storeId))!);
        await rescheduleCore(tx, row, slotStart, actor);
        return loadOne(tx, actor, id);
      });
    },

    /** Cancels a booked appointment, freeing its place. Audited. */
    async cancel(actor: Actor, id: string, reason?: string): Promise<TAppointment> {
      assertCan(actor, 'appointments.book');
      return db.transaction(async (tx) => {
        const row = await lockRow(tx, and(eq(appointments.id, id), storeScope(actor, appointments.storeId))!);
        await cancelCore(tx, row, reason ?? '', { staffId: staffIdOf(actor), owner: false }, actor);
        return loadOne(tx, actor, id);
      });
    },

    /**
     * The car has arrived: marks the appointment checked in (also one the no-show job had given up on, if the owner
     * came late the same day) and, by default, opens its repair order at stage 接车 in the same transaction — the
     * RO's history starts with 预约 at the time of booking. Only on the appointment's day. Audited.
     */
    async checkIn(actor: Actor, id: string, input: TAppointmentCheckIn): Promise<TAppointment> {
      assertCan(actor, 'appointments.checkin');
      if (input.openRepairOrder) assertCan(actor, 'service.write');
      return db.transaction(async (tx) => {
        const row = await lockRow(tx, and(eq(appointments.id, id), storeScope(actor, appointments.storeId))!);
        const { tz } = await loadStoreSettings(tx, row.storeId);
        const now = clock.now();
        const err = checkInError(row.status, row.localDate, localDayOf(now, tz));
        if (err) throw new BusinessRuleError(err.code, err.message);
        let roId: string | null = null;
        if (input.openRepairOrder) {
          const advisorId = await activeAdvisor(tx, row.advisorId, row.storeId);
          const ro = await deps.serviceOrders.openInTransaction(
            tx,
            actor,
            {
              vehicleId: row.vehicleId,
              kind: row.kind,
              mileageKm: input.mileageKm,
              labourFen: 0,
              partsFen: 0,
              ...(advisorId ? { advisorId } : {}),
              note: [row.note, input.note].filter((x) => x && x.trim()).join('\n'),
            },
            { bookedAt: row.createdAt },
          );
          roId = ro.id;
        }
        await tx
          .update(appointments)
          .set({ status: 'checked_in', checkedInAt: now, checkedInBy: staffIdOf(actor), repairOrderId: roId, updatedAt: now })
          .where(eq(appointments.id, id));
        await recordAudit(tx, actor, { action: 'appointment.check_in', entityType: 'appointment', entityId: id, storeId: row.storeId, customerId: row.customerId, detail: { repairOrderId: roId, late: row.status === 'no_show' } });
        await emitEvent(tx, 'appointment.checked_in', { customerId: row.customerId, storeId: row.storeId, payload: { appointmentId: id, vehicleId: row.vehicleId, repairOrderId: roId } });
        return loadOne(tx, actor, id);
      });
    },

    /** Marks a booked appointment whose slot has begun as a no-show (the job does it by itself after the grace). */
    async markNoShow(actor: Actor, id: string): Promise<TAppointment> {
      assertCan(actor, 'appointments.checkin');
      return db.transaction(async (tx) => {
        const row = await lockRow(tx, and(eq(appointments.id, id), storeScope(actor, appointments.storeId))!);
        const now = clock.now();
        const err = noShowError(row.status, row.slotStart, now);
        if (err) throw new BusinessRuleError(err.code, err.message);
        await tx.update(appointments).set({ status: 'no_show', noShowAt: now, updatedAt: now }).where(eq(appointments.id, id));
        await recordAudit(tx, actor, { action: 'appointment.no_show', entityType: 'appointment', entityId: id, storeId: row.storeId, customerId: row.customerId });
        await emitEvent(tx, 'appointment.no_show', { customerId: row.customerId, storeId: row.storeId, payload: { appointmentId: id, vehicleId: row.vehicleId, by: 'staff' } });
        return loadOne(tx, actor, id);
      });
    },

    // ---------------------------------------------------------------------------------------------------------------
    // The owner's side (portal): the same rules, always narrowed to the owner's own customer id.
    // ---------------------------------------------------------------------------------------------------------------

    /** Free slots of the store that services the owner's car. */
    async availabilityForOwner(owner: PortalActor, q: { vehicleId: string; from?: string; days: number }): Promise<TAvailability> {
      const v = await ownersVehicle(db, owner, q.vehicleId);
      return availabilityOf(v.storeId, q.from, q.days);
    },

    /** The owner's appointments, newest slot first (at most 100). */
    listForOwner: (owner: PortalActor) => ownerAppointments(db, owner.customerId),

    /** The owner's open (booked) appointment per car. */
    async openForOwner(owner: PortalActor): Promise<Map<string, TPortalAppointment>> {
      const list = await ownerAppointments(db, owner.customerId, eq(appointments.status, 'booked'));
      return new Map(list.map((a) => [a.vehicle.id, a]));
    },

    /** The owner books one of their cars into a slot; the owner's advisor receives it. Same rules as staff booking. */
    async bookForOwner(owner: PortalActor, input: { vehicleId: string; kind: TRoKind; slotStart: Date; note?: string }, idempotencyKey?: string): Promise<{ appointment: TPortalAppointment; duplicate: boolean }> {
      return db.transaction(async (tx) => {
        const v = await ownersVehicle(tx, owner, input.vehicleId);
        const r = await bookCore(
          tx,
          {
            vehicle: v,
            kind: input.kind,
            slotStart: input.slotStart,
            note: input.note ?? '',
            source: 'portal',
            createdBy: null,
            advisorId: await activeAdvisor(tx, v.advisorId, v.storeId),
            idempotencyKey: idempotencyKey ? `portal:${owner.customerId}:${idempotencyKey}` : null,
          },
          ownerServiceActor(owner),
        );
        const [a] = await ownerAppointments(tx, owner.customerId, eq(appointments.id, r.id));
        return { appointment: a!, duplicate: r.duplicate };
      });
    },

    /** The owner moves their booked appointment to another slot before it begins. */
    async rescheduleForOwner(owner: PortalActor, id: string, slotStart: Date): Promise<TPortalAppointment> {
      return db.transaction(async (tx) => {
        const row = await lockRow(tx, and(eq(appointments.id, id), eq(appointments.customerId, owner.customerId))!);
        if (!ownerMayChange(row.status, row.slotStart, clock.now())) throw new BusinessRuleError('not-changeable', '该预约已开始或已结束，不能再改约，如需帮助请致电门店 / This appointment can no longer be changed; call the store');
        await rescheduleCore(tx, row, slotStart, ownerServiceActor(owner));
        const [a] = await ownerAppointments(tx, owner.customerId, eq(appointments.id, id));
        return a!;
      });
    },

    /** The owner cancels their booked appointment before it begins. */
    async cancelForOwner(owner: PortalActor, id: string, reason?: string): Promise<TPortalAppointment> {
      return db.transaction(async (tx) => {
        const row = await lockRow(tx, and(eq(appointments.id, id), eq(appointments.customerId, owner.customerId))!);
        if (!ownerMayChange(row.status, row.slotStart, clock.now())) throw new BusinessRuleError('not-changeable', '该预约已开始或已结束，不能再取消 / This appointment can no longer be cancelled');
        await cancelCore(tx, row, reason ?? '', { staffId: null, owner: true }, ownerServiceActor(owner));
        const [a] = await ownerAppointments(tx, owner.customerId, eq(appointments.id, id));
        return a!;
      });
    },

    // ---------------------------------------------------------------------------------------------------------------
    // Jobs
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Marks every booked appointment whose slot ended more than its store's grace ago as a no-show, and writes an
     * `appointment.no_show` event for each, in one statement. Rows another run holds are skipped (SKIP LOCKED), so
     * overlapping runs never mark one twice. Returns how many were marked.
     */
    async markNoShows(): Promise<number> {
      const now = clock.now();
      const at = sql`${now.toISOString()}::timestamptz`;
      const res = await db.execute<{ n: number }>(sql`
        with due as (
          select a.id from appointments a
          left join appointment_settings s on s.store_id = a.store_id
          where a.status = 'booked' and a.slot_end <= ${at}
            and a.slot_end + make_interval(mins => coalesce(s.grace_minutes, ${DEFAULT_APPOINTMENT_SETTINGS.graceMinutes})) <= ${at}
          for update of a skip locked
        ),
        upd as (
          update appointments a set status = 'no_show', no_show_at = ${at}, updated_at = ${at}
          from due where a.id = due.id
          returning a.id, a.customer_id, a.store_id, a.vehicle_id, a.slot_start
        ),
        ev as (
          insert into domain_events (id, type, customer_id, store_id, payload, created_at)
          select ${uuidv7Sql(sql`row_number() over ()`, now.getTime())}, 'appointment.no_show', upd.customer_id, upd.store_id,
            jsonb_build_object('appointmentId', upd.id, 'vehicleId', upd.vehicle_id, 'slotStart', upd.slot_start, 'by', 'job'), ${at}
          from upd
          returning 1
        )
        select count(*)::int as n from ev`);
      return Number(res.rows[0]?.n ?? 0);
    },

    /**
     * The day-before reminder: for every booked appointment of tomorrow (store time) not yet reminded, one portal
     * inbox message and one SMS through the messaging gate (template `appointment.reminder`), set-based. Each
     * message's firing key names the appointment and its day, so re-runs and overlapping runs send nothing twice and
     * a rescheduled appointment is reminded again for its new day. Returns the SMS written.
     */
    async sendReminders(): Promise<{ sms: number; inbox: number }> {
      const now = clock.now();
      const at = sql`${now.toISOString()}::timestamptz`;
      const key = (channel: string) => sql`'appointment.reminder:' || ${channel}::text || ':' || a.id::text || ':' || a.local_date::text`;
      const tomorrow = sql`a.local_date = ((${at} at time zone s.timezone)::date + 1)`;
      const written = { sms: 0, inbox: 0 };
      for (const channel of REMINDER_CHANNELS) {
        // One message per customer per call (the gate's rule), so a customer with two cars booked tomorrow takes two rounds.
        for (let round = 0; round < 10; round++) {
          const audience = sql`
            select a.customer_id, a.vehicle_id, ${key(channel)} as firing_key,
              jsonb_build_object('预约时间', to_char(a.slot_start at time zone s.timezone, 'FMMM"月"FMDD"日" HH24:MI'), '服务项目', ${kindLabelSql}) as vars
            from appointments a join stores s on s.id = a.store_id
            where a.status = 'booked' and a.reminded_at is null and ${tomorrow}
              and not exists (select 1 from messages m where m.firing_key = ${key(channel)})`;
          let r: TEnqueueAudienceResult;
          try {
            r = await deps.messaging.enqueueForAudience(db, { audience, channel, purpose: 'service', templateCode: REMINDER_TEMPLATE, rowVarKeys: ['预约时间', '服务项目'], scheduledAt: now });
          } catch (err) {
            if (err instanceof ValidationError) {
              log(`no active "${REMINDER_TEMPLATE}" template for ${channel}; reminders on that channel skipped`);
              break;
            }
            throw err;
          }
          written[channel] += r.inserted;
          if (r.inserted === 0) break;
        }
      }
      await db.execute(sql`
        update appointments a set reminded_at = ${at}, updated_at = ${at}
        from stores s
        where s.id = a.store_id and a.status = 'booked' and a.reminded_at is null and ${tomorrow}
          and exists (select 1 from messages m where m.firing_key = ${key('sms')})`);
      return written;
    },
  };
}

export type TAppointmentsService = ReturnType<typeof createAppointmentsService>;
