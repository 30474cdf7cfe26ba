import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TRole } from '../../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../../testing/harness.js';
import { ALL_ROLES, describeAccessMatrix, type TMatrixRow, type TMatrixUser } from '../../../testing/matrix.js';
import { seedCustomer, seedVehicle } from '../../messaging/fixtures.js';
import { DEFAULT_APPOINTMENT_SETTINGS } from './rules.js';
import { appointments } from './schema.js';

const NOW = '2026-11-23T02:00:00Z'; // Monday 10:00 in Beijing
const bj = (date: string, hhmm: string) => `${date}T${hhmm}:00+08:00`;

describe('appointment routes', () => {
  let env: TestEnv;
  let org: SeededOrg;
  let h: Record<string, Record<string, string>>;
  let vehicle1: string;
  let vehicle2: string;

  beforeAll(async () => {
    env = await createTestEnv({ now: NOW });
    org = await seedDemoOrg(env.ctx.db);
    h = {};
    for (const u of ['admin', 'service1', 'service2', 'manager1', 'marketing1']) h[u] = await login(env.app, u);
    const c1 = await seedCustomer(env.ctx.db, org.stores[0]!.id, { name: '预约客户' });
    vehicle1 = (await seedVehicle(env.ctx.db, c1, { plate: '京B·A8888' })).id;
    const c2 = await seedCustomer(env.ctx.db, org.stores[1]!.id);
    vehicle2 = (await seedVehicle(env.ctx.db, c2)).id;
  });
  afterAll(() => env.close());

  const req = (user: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers: Record<string, string> = {}) =>
    env.app.inject({ method, url: `/api/v1${url}`, headers: { ...(user ? h[user] : {}), ...headers }, ...(payload ? { payload } : {}) });

  it('401 without a session', async () => {
    for (const [m, u] of [
      ['GET', '/appointments?from=2026-11-23&to=2026-11-29'],
      ['GET', '/appointments/availability'],
      ['POST', '/appointments'],
      ['GET', '/appointment-settings'],
    ] as const) {
      expect((await req(null, m, u, m === 'POST' ? {} : undefined)).statusCode).toBe(401);
    }
  });

  it('400 for a missing range, a bad slot time or bad settings', async () => {
    expect((await req('service1', 'GET', '/appointments')).statusCode).toBe(400);
    expect((await req('service1', 'GET', '/appointments?from=2026-11-01&to=2026-12-31')).statusCode).toBe(400);
    const bad = await req('service1', 'POST', '/appointments', { vehicleId: vehicle1, kind: 'maintenance', slotStart: 'tomorrow' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('body.slotStart');
    expect((await req('manager1', 'PUT', '/appointment-settings', { ...DEFAULT_APPOINTMENT_SETTINGS, slotMinutes: 7 })).statusCode).toBe(400);
    expect((await req('admin', 'GET', '/appointment-settings')).statusCode).toBe(400);
  });

  it('404 for a car or appointment of another store', async () => {
    expect((await req('service1', 'POST', '/appointments', { vehicleId: vehicle2, kind: 'maintenance', slotStart: bj('2026-11-24', '09:00') })).statusCode).toBe(404);
    const mine = await req('service2', 'POST', '/appointments', { vehicleId: vehicle2, kind: 'maintenance', slotStart: bj('2026-11-24', '09:00') });
    expect(mine.statusCode).toBe(201);
    expect((await req('service1', 'GET', `/appointments/${mine.json().id}`)).statusCode).toBe(404);
    expect((await req('service1', 'POST', `/appointments/${mine.json().id}/cancel`, {})).statusCode).toBe(404);
    expect((await req('service1', 'GET', `/appointment-settings?storeId=${org.stores[1]!.id}`)).statusCode).toBe(404);
  });

  it('books, lists by day with the board’s fields, checks in and opens the RO', async () => {
    const booked = await req('service1', 'POST', '/appointments', { vehicleId: vehicle1, kind: 'maintenance', slotStart: bj('2026-11-23', '15:00'), note: '电话预约' }, { 'idempotency-key': 'abc' });
    expect(booked.statusCode).toBe(201);
    expect(booked.json()).toMatchObject({ status: 'booked', localDate: '2026-11-23', note: '电话预约', customer: { name: '预约客户', mobileMasked: expect.stringMatching(/^\d{3}\*{4}\d{4}$/) }, vehicle: { plate: '京B·A8888' } });
    expect((await req('service1', 'POST', '/appointments', { vehicleId: vehicle1, kind: 'maintenance', slotStart: bj('2026-11-23', '15:00') }, { 'idempotency-key': 'abc' })).statusCode).toBe(200);
    const day = await req('service1', 'GET', '/appointments?from=2026-11-23&to=2026-11-23');
    expect(day.json().items.map((a: { id: string }) => a.id)).toContain(booked.json().id);
    const av = (await req('service1', 'GET', '/appointments/availability?from=2026-11-23&days=1')).json();
    expect(av.days[0].slots.find((s: { time: string }) => s.time === '15:00')).toMatchObject({ booked: 1, available: 3 });
    expect(av.days[0].slots.find((s: { time: string }) => s.time === '09:00')).toMatchObject({ bookable: false });
    const checkIn = await req('service1', 'POST', `/appointments/${booked.json().id}/check-in`, { mileageKm: 23_456 });
    expect(checkIn.statusCode).toBe(200);
    expect(checkIn.json()).toMatchObject({ status: 'checked_in', repairOrderId: expect.any(String) });
    const ro = (await req('service1', 'GET', `/service-orders/${checkIn.json().repairOrderId}`)).json();
    expect(ro).toMatchObject({ vehicleId: vehicle1, stage: 'received', mileageKm: 23_456 });
    const again = await req('service1', 'POST', `/appointments/${booked.json().id}/check-in`, {});
    expect(again.statusCode).toBe(422);
    expect(again.json().title).toContain('已办理到店');
  });

  it('403 for a role without the permission', async () => {
    expect((await req('marketing1', 'POST', '/appointments', { vehicleId: vehicle1, kind: 'maintenance', slotStart: bj('2026-11-24', '09:00') })).statusCode).toBe(403);
    expect((await req('service1', 'PUT', '/appointment-settings', DEFAULT_APPOINTMENT_SETTINGS)).statusCode).toBe(403);
    const saved = await req('manager1', 'PUT', '/appointment-settings', { ...DEFAULT_APPOINTMENT_SETTINGS, bays: 8, technicians: 6 });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ capacity: 6, isDefault: false });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Access matrix: every staff appointment route × role × own / other store.
// ---------------------------------------------------------------------------------------------------------------

const BOOK: TRole[] = ['group_admin', 'store_manager', 'service', 'sales', 'cx'];
const CHECKIN: TRole[] = ['group_admin', 'store_manager', 'service'];
const SETTINGS: TRole[] = ['group_admin', 'store_manager'];
const CUSTOMER_WRITE: TRole[] = ['group_admin', 'store_manager', 'sales', 'service'];

interface Ctx {
  env: TestEnv;
  store1: string;
  customerId: string;
  appointmentId: string;
  /** A fresh car of store 1 (a car takes one open appointment). */
  freshVehicle(): Promise<string>;
  /** A fresh appointment of store 1 at a store-local time today (inserted as it stands, past slots too). */
  freshAppointment(hhmm: string): Promise<string>;
  nextSlot(): string;
}

const storeQuery = (c: Ctx, u: TMatrixUser) => (u.store === null ? `storeId=${c.store1}` : '');

const rows: TMatrixRow<Ctx>[] = [
  { method: 'GET', path: '/appointments', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/appointments?from=2026-11-23&to=2026-11-29' }) },
  { method: 'GET', path: '/appointments/availability', allowed: ALL_ROLES, target: 'none', request: (c, u) => ({ url: `/appointments/availability?${storeQuery(c, u)}` }) },
  { method: 'GET', path: '/appointments/{id}', allowed: ALL_ROLES, request: (c) => ({ url: `/appointments/${c.appointmentId}` }) },
  {
    method: 'POST',
    path: '/appointments',
    allowed: BOOK,
    request: async (c) => ({ url: '/appointments', body: { vehicleId: await c.freshVehicle(), kind: 'maintenance', slotStart: c.nextSlot() } }),
  },
  {
    method: 'POST',
    path: '/appointments/{id}/reschedule',
    allowed: BOOK,
    request: async (c) => ({ url: `/appointments/${await c.freshAppointment('16:00')}/reschedule`, body: { slotStart: c.nextSlot() } }),
  },
  { method: 'POST', path: '/appointments/{id}/cancel', allowed: BOOK, request: async (c) => ({ url: `/appointments/${await c.freshAppointment('16:30')}/cancel`, body: { reason: '矩阵' } }) },
  { method: 'POST', path: '/appointments/{id}/check-in', allowed: CHECKIN, request: async (c) => ({ url: `/appointments/${await c.freshAppointment('11:30')}/check-in`, body: {} }) },
  { method: 'POST', path: '/appointments/{id}/no-show', allowed: CHECKIN, request: async (c) => ({ url: `/appointments/${await c.freshAppointment('09:00')}/no-show` }) },
  { method: 'GET', path: '/appointment-settings', allowed: ALL_ROLES, target: 'none', request: (c, u) => ({ url: `/appointment-settings?${storeQuery(c, u)}` }) },
  {
    method: 'PUT',
    path: '/appointment-settings',
    allowed: SETTINGS,
    target: 'none',
    request: (c, u) => ({ url: `/appointment-settings?${storeQuery(c, u)}`, body: DEFAULT_APPOINTMENT_SETTINGS }),
  },
  { method: 'GET', path: '/portal-access/{customerId}', allowed: ALL_ROLES, request: (c) => ({ url: `/portal-access/${c.customerId}` }) },
  { method: 'POST', path: '/portal-access/{customerId}/revoke', allowed: CUSTOMER_WRITE, request: (c) => ({ url: `/portal-access/${c.customerId}/revoke` }) },
];

describeAccessMatrix<Ctx>('appointments and portal access', {
  async setup(env, org) {
    env.clock.set(NOW);
    const store1 = org.stores[0]!.id;
    const customer = await seedCustomer(env.ctx.db, store1);
    const freshVehicle = async () => (await seedVehicle(env.ctx.db, customer)).id;
    const freshAppointment = async (hhmm: string) => {
      const start = new Date(bj('2026-11-23', hhmm));
      const [a] = await env.ctx.db
        .insert(appointments)
        .values({ storeId: store1, customerId: customer.id, vehicleId: await freshVehicle(), kind: 'maintenance', slotStart: start, slotEnd: new Date(start.getTime() + 30 * 60_000), localDate: '2026-11-23', source: 'console' })
        .returning({ id: appointments.id });
      return a!.id;
    };
    // Bookings spread over the week's slots, at most one per slot (capacity is 4).
    let n = 0;
    const times = ['09:00', '09:30', '10:00', '10:30', '11:00', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30'];
    const nextSlot = () => {
      const i = n++;
      return bj(`2026-11-${String(24 + (Math.floor(i / times.length) % 5)).padStart(2, '0')}`, times[i % times.length]!);
    };
    const appointmentId = await freshAppointment('17:00');
    await env.ctx.db.update(appointments).set({ slotStart: new Date(bj('2026-11-30', '09:00')) }).where(eq(appointments.id, appointmentId));
    return { env, store1, customerId: customer.id, appointmentId, freshVehicle, freshAppointment, nextSlot };
  },
  rows,
});
