import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BusinessRuleError, ConflictError, NotFoundError } from '../../../platform/errors.js';
import type { PortalActor } from '../../../platform/owner.js';
import type { Actor } from '../../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../../seed/org.js';
import { createTestEnv, type TestEnv } from '../../../testing/harness.js';
import { auditLog, domainEvents } from '../../audit/schema.js';
import { actorFor, seedCustomer, seedVehicle } from '../../messaging/fixtures.js';
import { messages, messageTemplates } from '../../messaging/schema.js';
import { repairOrderStages } from '../schema.js';
import { DEFAULT_APPOINTMENT_SETTINGS } from './rules.js';
import { appointments, appointmentSettings } from './schema.js';
import type { TAppointmentsService } from './service.js';

let env: TestEnv;
let org: SeededOrg;
let svc: TAppointmentsService;
let store1: string;
const NOW = '2026-11-23T02:00:00Z'; // Monday 10:00 in Beijing
const as = (username: string): Actor => actorFor(org.staff.get(username)!);
/** A store-local time on a day as an instant (Beijing is UTC+8). */
const bj = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+08:00`);

async function car(storeId = store1, o: Parameters<typeof seedCustomer>[2] = {}) {
  const c = await seedCustomer(env.ctx.db, storeId, o);
  const v = await seedVehicle(env.ctx.db, c);
  return { customer: c, vehicle: v };
}
const ownerOf = (c: { id: string; storeId: string }): PortalActor => ({ customerId: c.id, storeId: c.storeId, sessionId: 'test' });

beforeAll(async () => {
  env = await createTestEnv({ now: NOW });
  org = await seedDemoOrg(env.ctx.db);
  svc = env.ctx.services.appointments;
  store1 = org.stores[0]!.id;
});
afterAll(() => env.close());
beforeEach(() => env.clock.set(NOW));

describe('settings', () => {
  it('are the defaults until the store saves its own; saving is audited and managers only', async () => {
    const s = await svc.getSettings(as('service1'));
    expect(s).toMatchObject({ storeId: store1, isDefault: true, slotMinutes: 30, capacity: 4, timezone: 'Asia/Shanghai' });
    await expect(svc.putSettings(as('service1'), undefined, DEFAULT_APPOINTMENT_SETTINGS)).rejects.toThrow('无权');
    const saved = await svc.putSettings(as('manager1'), undefined, { ...DEFAULT_APPOINTMENT_SETTINGS, bays: 6, technicians: 3, closedDates: ['2026-12-01', '2026-12-01'] });
    expect(saved).toMatchObject({ isDefault: false, capacity: 3, closedDates: ['2026-12-01'] });
    const [a] = await env.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'appointment_settings.update'));
    expect(a).toMatchObject({ storeId: store1, actorStaffId: org.staff.get('manager1')!.id });
    // another store's settings are not a store manager's to see
    await expect(svc.getSettings(as('manager1'), org.stores[1]!.id)).rejects.toBeInstanceOf(NotFoundError);
    await env.ctx.db.delete(appointmentSettings);
  });
});

describe('booking', () => {
  it('books a free slot from the car (customer, store, advisor) and shows it in availability', async () => {
    const { customer, vehicle } = await car();
    const start = bj('2026-11-24', '09:00');
    const { appointment: a, duplicate } = await svc.book(as('service1'), { vehicleId: vehicle.id, kind: 'maintenance', slotStart: start, note: '顺便检查空调' });
    expect(duplicate).toBe(false);
    expect(a).toMatchObject({
      storeId: store1,
      customer: { id: customer.id },
      vehicle: { id: vehicle.id },
      status: 'booked',
      localDate: '2026-11-24',
      source: 'console',
      advisor: { id: org.staff.get('service1')!.id },
      createdBy: { id: org.staff.get('service1')!.id },
      customerNoShows: 0,
    });
    expect(a.slotEnd.getTime() - a.slotStart.getTime()).toBe(30 * 60_000);
    const av = await svc.availability(as('service1'), { from: '2026-11-24', days: 2 });
    const slot = av.days[0]!.slots.find((s) => s.time === '09:00')!;
    expect(slot).toMatchObject({ capacity: 4, booked: 1, available: 3, bookable: true });
    expect(av.days).toHaveLength(2);
    const [ev] = await env.ctx.db.select().from(domainEvents).where(and(eq(domainEvents.type, 'appointment.booked'), eq(domainEvents.customerId, customer.id)));
    expect(ev?.payload).toMatchObject({ appointmentId: a.id, source: 'console' });
    // …and on the customer's 360 timeline
    const c360 = await env.ctx.services.customers.get360(as('service1'), customer.id);
    expect(c360.timeline.find((e) => e.kind === 'appointment')).toMatchObject({ refId: a.id, title: '预约到店 2026-11-24 09:00 · 保养 · 已预约 / Appointment 2026-11-24 09:00 · Maintenance · Booked', at: a.createdAt, detail: '顺便检查空调' });
  });

  it('refuses slots that are not offered, past, too soon, too far or closed — in words', async () => {
    const { vehicle } = await car();
    const book = (slotStart: Date) => svc.book(as('service1'), { vehicleId: vehicle.id, kind: 'maintenance', slotStart });
    await expect(book(bj('2026-11-24', '09:10'))).rejects.toThrow('请选择列表中的预约时段');
    await expect(book(bj('2026-11-23', '09:00'))).rejects.toThrow('该时段已过');
    await expect(book(bj('2026-11-23', '10:30'))).rejects.toThrow('提前 60 分钟');
    await expect(book(bj('2026-12-30', '09:00'))).rejects.toThrow('30 天内');
    await expect(book(bj('2026-11-24', '18:00'))).rejects.toThrow('请选择列表中的预约时段');
  });

  it('gives one open appointment per car (409 naming it) and replays an idempotency key', async () => {
    const { vehicle } = await car();
    const first = await svc.book(as('service1'), { vehicleId: vehicle.id, kind: 'maintenance', slotStart: bj('2026-11-25', '10:00') }, 'key-1');
    const replay = await svc.book(as('service1'), { vehicleId: vehicle.id, kind: 'maintenance', slotStart: bj('2026-11-25', '10:00') }, 'key-1');
    expect(replay).toMatchObject({ duplicate: true, appointment: { id: first.appointment.id } });
    const err = await svc.book(as('service1'), { vehicleId: vehicle.id, kind: 'repair', slotStart: bj('2026-11-26', '10:00') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).extra).toMatchObject({ existing: { type: 'appointment', id: first.appointment.id, label: '2026-11-25 10:00' } });
  });

  it('never books a car of another store (404)', async () => {
    const { vehicle } = await car(org.stores[1]!.id);
    await expect(svc.book(as('service1'), { vehicleId: vehicle.id, kind: 'maintenance', slotStart: bj('2026-11-24', '11:00') })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('under concurrency a slot of capacity C takes exactly C of N parallel bookings', async () => {
    await svc.putSettings(as('manager1'), undefined, { ...DEFAULT_APPOINTMENT_SETTINGS, bays: 3, technicians: 5 });
    try {
      const N = 16;
      const cars = await Promise.all(Array.from({ length: N }, () => car()));
      const start = bj('2026-11-27', '14:00');
      const results = await Promise.allSettled(
        cars.map((c, i) =>
          i % 2 === 0
            ? svc.book(as('service1'), { vehicleId: c.vehicle.id, kind: 'maintenance', slotStart: start })
            : svc.bookForOwner(ownerOf(c.customer), { vehicleId: c.vehicle.id, kind: 'maintenance', slotStart: start }),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(3);
      expect(refused).toHaveLength(N - 3);
      for (const r of refused) {
        expect(r.reason).toBeInstanceOf(BusinessRuleError);
        expect((r.reason as BusinessRuleError).code).toBe('slot-full');
      }
      const [n] = await env.ctx.db.select({ n: sql<number>`count(*)::int` }).from(appointments).where(and(eq(appointments.storeId, store1), eq(appointments.slotStart, start)));
      expect(n!.n).toBe(3);
      // a cancellation frees exactly one place
      const first = (ok[0] as PromiseFulfilledResult<{ appointment: { id: string } }>).value.appointment.id;
      await svc.cancel(as('service1'), first, '客户改期');
      const av = await svc.availability(as('service1'), { from: '2026-11-27', days: 1 });
      expect(av.days[0]!.slots.find((s) => s.time === '14:00')).toMatchObject({ capacity: 3, booked: 2, available: 1 });
    } finally {
      await env.ctx.db.delete(appointmentSettings);
    }
  });

  it('reschedules into a free slot only, and a full one refuses a move too', async () => {
    await svc.putSettings(as('manager1'), undefined, { ...DEFAULT_APPOINTMENT_SETTINGS, bays: 1, technicians: 1 });
    try {
      const a = await car();
      const b = await car();
      const x = await svc.book(as('service1'), { vehicleId: a.vehicle.id, kind: 'maintenance', slotStart: bj('2026-11-28', '09:00') });
      await svc.book(as('service1'), { vehicleId: b.vehicle.id, kind: 'maintenance', slotStart: bj('2026-11-28', '09:30') });
      await expect(svc.reschedule(as('service1'), x.appointment.id, bj('2026-11-28', '09:30'))).rejects.toThrow('已约满');
      const moved = await svc.reschedule(as('service1'), x.appointment.id, bj('2026-11-28', '10:00'));
      expect(moved).toMatchObject({ localDate: '2026-11-28', rescheduleCount: 1, status: 'booked' });
      expect(moved.slotStart.toISOString()).toBe('2026-11-28T02:00:00.000Z');
    } finally {
      await env.ctx.db.delete(appointmentSettings);
    }
  });

  it('lets the owner book, move and cancel only their own car and appointment, before the slot begins', async () => {
    const me = await car();
    const other = await car();
    await expect(svc.bookForOwner(ownerOf(me.customer), { vehicleId: other.vehicle.id, kind: 'maintenance', slotStart: bj('2026-11-24', '15:00') })).rejects.toBeInstanceOf(NotFoundError);
    const { appointment } = await svc.bookForOwner(ownerOf(me.customer), { vehicleId: me.vehicle.id, kind: 'inspection', slotStart: bj('2026-11-24', '15:00'), note: '异响' });
    expect(appointment).toMatchObject({ status: 'booked', changeable: true, kind: 'inspection', store: { name: '华辰领航北京亦庄店' } });
    await expect(svc.cancelForOwner(ownerOf(other.customer), appointment.id)).rejects.toBeInstanceOf(NotFoundError);
    const moved = await svc.rescheduleForOwner(ownerOf(me.customer), appointment.id, bj('2026-11-24', '16:00'));
    expect(moved.slotStart.toISOString()).toBe('2026-11-24T08:00:00.000Z');
    env.clock.set('2026-11-24T08:05:00Z'); // the slot has begun
    await expect(svc.cancelForOwner(ownerOf(me.customer), appointment.id)).rejects.toThrow('不能再取消');
    env.clock.set(NOW);
    expect((await svc.cancelForOwner(ownerOf(me.customer), appointment.id)).status).toBe('cancelled');
    const [row] = await env.ctx.db.select().from(appointments).where(eq(appointments.id, appointment.id));
    expect(row).toMatchObject({ source: 'portal', createdBy: null, cancelledBy: null });
    const [audit] = await env.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'appointment.cancel'), eq(auditLog.entityId, appointment.id)));
    expect(audit).toMatchObject({ actorStaffId: null, actorName: expect.stringContaining('车主本人') });
  });
});

describe('check-in and no-shows', () => {
  it('checks the car in on its day and opens the RO with 预约 then 接车', async () => {
    const { vehicle } = await car();
    const { appointment } = await svc.book(as('service1'), { vehicleId: vehicle.id, kind: 'maintenance', slotStart: bj('2026-11-24', '09:00'), note: '带保养券' });
    await expect(svc.checkIn(as('service1'), appointment.id, { openRepairOrder: true })).rejects.toThrow('当天才能办理到店');
    await expect(svc.checkIn(as('sales1'), appointment.id, { openRepairOrder: true })).rejects.toThrow('无权');
    env.clock.set('2026-11-24T00:55:00Z'); // 08:55 on the day
    const done = await svc.checkIn(as('service1'), appointment.id, { openRepairOrder: true, mileageKm: 12_000 });
    expect(done).toMatchObject({ status: 'checked_in', repairOrderId: expect.any(String) });
    const ro = await env.ctx.services.serviceOrders.get(as('service1'), done.repairOrderId!);
    expect(ro).toMatchObject({ vehicleId: vehicle.id, kind: 'maintenance', stage: 'received', mileageKm: 12_000, note: '带保养券', advisor: { id: org.staff.get('service1')!.id } });
    expect(ro.stages.map((s) => s.stage)).toEqual(['booked', 'received']);
    expect(ro.stages[0]!.at.getTime()).toBe(appointment.createdAt.getTime());
    await expect(svc.checkIn(as('service1'), appointment.id, { openRepairOrder: true })).rejects.toThrow('已办理到店');
    const stages = await env.ctx.db.select().from(repairOrderStages).where(eq(repairOrderStages.roId, ro.id));
    expect(stages).toHaveLength(2);
  });

  it('the job marks booked appointments no-show after slot + grace, once, with events; counts follow the customer', async () => {
    const { customer, vehicle } = await car();
    const { appointment } = await svc.book(as('service1'), { vehicleId: vehicle.id, kind: 'maintenance', slotStart: bj('2026-11-24', '10:00') });
    const statusOf = async () => (await env.ctx.db.select().from(appointments).where(eq(appointments.id, appointment.id)))[0]!.status;
    env.clock.set(bj('2026-11-24', '10:59')); // slot ends 10:30, grace 30 min
    await svc.markNoShows();
    expect(await statusOf()).toBe('booked');
    env.clock.set(bj('2026-11-24', '11:00'));
    expect(await svc.markNoShows()).toBeGreaterThanOrEqual(1);
    expect(await statusOf()).toBe('no_show');
    expect(await svc.markNoShows()).toBe(0);
    const evs = await env.ctx.db.select().from(domainEvents).where(and(eq(domainEvents.type, 'appointment.no_show'), eq(domainEvents.customerId, customer.id)));
    expect(evs).toHaveLength(1);
    expect(evs[0]!.payload).toMatchObject({ appointmentId: appointment.id, by: 'job' });
    // the next booking shows the history to the advisor
    const next = await svc.book(as('service1'), { vehicleId: vehicle.id, kind: 'maintenance', slotStart: bj('2026-11-25', '10:00') });
    expect(next.appointment.customerNoShows).toBe(1);
    const listed = await svc.list(as('service1'), { customerId: customer.id, limit: 50 });
    expect(listed.map((a) => a.status)).toEqual(['booked', 'no_show']);
    // the late owner can still be checked in the same day
    env.clock.set(bj('2026-11-24', '11:20'));
    expect((await svc.checkIn(as('service1'), appointment.id, { openRepairOrder: false })).status).toBe('checked_in');
  });

  it('staff mark a no-show once the slot has begun', async () => {
    const { vehicle } = await car();
    const { appointment } = await svc.book(as('service1'), { vehicleId: vehicle.id, kind: 'maintenance', slotStart: bj('2026-11-24', '13:00') });
    await expect(svc.markNoShow(as('service1'), appointment.id)).rejects.toThrow('还没开始');
    env.clock.set(bj('2026-11-24', '13:10'));
    expect((await svc.markNoShow(as('service1'), appointment.id)).status).toBe('no_show');
  });
});

describe('day-before reminder', () => {
  it('sends one inbox message and one SMS per appointment of tomorrow, also for a second car, and never twice', async () => {
    await env.ctx.db.update(appointments).set({ status: 'cancelled' }).where(eq(appointments.status, 'booked'));
    const a = await car();
    const second = await seedVehicle(env.ctx.db, a.customer);
    const b = await car();
    const x1 = await svc.book(as('service1'), { vehicleId: a.vehicle.id, kind: 'maintenance', slotStart: bj('2026-11-24', '09:30') });
    const x2 = await svc.book(as('service1'), { vehicleId: second.id, kind: 'repair', slotStart: bj('2026-11-24', '14:00') });
    await svc.book(as('service1'), { vehicleId: b.vehicle.id, kind: 'inspection', slotStart: bj('2026-11-25', '09:30') }); // the day after
    const r = await svc.sendReminders();
    expect(r).toEqual({ sms: 2, inbox: 2 });
    expect(await svc.sendReminders()).toEqual({ sms: 0, inbox: 0 });
    const sms = await env.ctx.db.select().from(messages).where(and(eq(messages.customerId, a.customer.id), eq(messages.channel, 'sms')));
    expect(sms).toHaveLength(2);
    expect(sms.map((m) => m.body).sort()).toEqual([expect.stringContaining('11月24日 09:30'), expect.stringContaining('11月24日 14:00')].sort());
    expect(sms[0]!.body).toMatch(/^【华辰领航北京亦庄店】/);
    expect(sms.some((m) => m.body.includes('做保养'))).toBe(true);
    const inbox = await env.ctx.db.select().from(messages).where(and(eq(messages.customerId, a.customer.id), eq(messages.channel, 'inbox')));
    expect(inbox.map((m) => m.subject)).toEqual(['明天的预约提醒', '明天的预约提醒']);
    for (const id of [x1.appointment.id, x2.appointment.id]) {
      const [row] = await env.ctx.db.select().from(appointments).where(eq(appointments.id, id));
      expect(row!.remindedAt).not.toBeNull();
    }
    // moved to another day: a fresh reminder the day before the new date
    await svc.reschedule(as('service1'), x1.appointment.id, bj('2026-11-26', '09:30'));
    env.clock.set('2026-11-25T02:00:00Z');
    const again = await svc.sendReminders();
    expect(again.sms).toBe(1);
    const keys = await env.ctx.db.select({ k: messages.firingKey }).from(messages).where(like(messages.firingKey, `appointment.reminder:sms:${x1.appointment.id}:%`));
    expect(keys.map((k) => k.k).sort()).toEqual([`appointment.reminder:sms:${x1.appointment.id}:2026-11-24`, `appointment.reminder:sms:${x1.appointment.id}:2026-11-26`]);
  });

  it('skips a channel whose template the group deactivated', async () => {
    await env.ctx.db.update(messageTemplates).set({ active: false }).where(and(eq(messageTemplates.code, 'appointment.reminder'), eq(messageTemplates.channel, 'inbox')));
    try {
      const a = await car();
      env.clock.set('2026-11-25T02:00:00Z');
      await svc.book(as('service1'), { vehicleId: a.vehicle.id, kind: 'maintenance', slotStart: bj('2026-11-26', '11:00') });
      const r = await svc.sendReminders();
      expect(r.inbox).toBe(0);
      expect(r.sms).toBeGreaterThanOrEqual(1);
    } finally {
      await env.ctx.db.update(messageTemplates).set({ active: true }).where(eq(messageTemplates.code, 'appointment.reminder'));
    }
  });
});
