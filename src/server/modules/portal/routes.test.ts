import { and, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeVin } from '../../../contracts/validators.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { behaviourEvents, customerConsents, customers } from '../customers/schema.js';
import { latestCode, nextIp, signInOwner, type TOwnerHeaders } from './fixtures.js';
import { OWNER_CSRF_COOKIE, OWNER_SESSION_COOKIE } from './session.js';

let env: TestEnv;
let org: SeededOrg;
let staffH: Record<string, Record<string, string>>;
const NOW = '2026-11-23T02:00:00Z'; // Monday 10:00 in Beijing
const bj = (date: string, hhmm: string) => `${date}T${hhmm}:00+08:00`;

interface TOwnerWorld {
  id: string;
  name: string;
  mobile: string;
  vehicleId: string;
  plate: string;
  secondVehicleId: string;
  openRoId: string;
  openRoNo: string;
  closedRoId: string;
  orderId: string;
  appointmentId: string;
  messageId: string;
  h: TOwnerHeaders;
}

let vinSeq = 0;
const newVin = () => completeVin('LFV2A21K', String(40_000_000 + ++vinSeq).slice(-8));

async function staffPost(user: string, url: string, payload: object) {
  const res = await env.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: staffH[user], payload });
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** An owner with two cars, a car in the workshop, a past repair, a new car on its way, an appointment and a message. */
async function makeOwner(name: string, mobile: string, plateNo: string, storeIdx = 0, user = 'service1', seller = 'sales1'): Promise<TOwnerWorld> {
  const [c] = await env.ctx.db.insert(customers).values({ storeId: org.stores[storeIdx]!.id, name, mobile }).returning();
  const plate = `京A·${plateNo}`;
  const v = await staffPost(user, '/vehicles', { customerId: c!.id, vin: newVin(), plate, lastMileageKm: 8000 });
  const v2 = await staffPost(user, '/vehicles', { customerId: c!.id, vin: newVin() });
  const closed = await staffPost(user, '/service-orders', { vehicleId: v.id, kind: 'first_service', labourFen: 20_000, partsFen: 30_000, openedAt: '2026-06-01T02:00:00Z' });
  await staffPost(user, `/service-orders/${closed.id}/stages`, { stage: 'delivered', at: '2026-06-01T08:00:00Z' });
  const open = await staffPost(user, '/service-orders', { vehicleId: v.id, kind: 'repair', labourFen: 48_000, partsFen: 120_000, items: [{ name: '前刹车片', kind: 'part', quantity: 1, amountFen: 120_000 }] });
  await staffPost(user, `/service-orders/${open.id}/stages`, { stage: 'diagnosis', note: '前轮刹车片磨损' });
  const order = await staffPost(seller, '/sales-orders', { customerId: c!.id, vehicleId: v2.id, priceFen: 189_800_00 });
  await staffPost(seller, `/sales-orders/${order.id}/milestones`, { milestone: 'inspection', note: '车辆检测完成' });
  const appt = await staffPost(user, '/appointments', { vehicleId: v2.id, kind: 'inspection', slotStart: bj('2026-11-25', '10:00') });
  const msg = await env.ctx.services.messaging.enqueueMessage(env.ctx.db, { customerId: c!.id, channel: 'inbox', purpose: 'service', subject: `给${name}的消息`, body: `${name}您好，爱车保养提醒` });
  await env.ctx.services.messaging.dispatchDue();
  const h = await signInOwner(env.app, env.ctx.db, { id: c!.id, mobile });
  return { id: c!.id, name, mobile, vehicleId: v.id, plate, secondVehicleId: v2.id, openRoId: open.id, openRoNo: open.roNo, closedRoId: closed.id, orderId: order.id, appointmentId: appt.id, messageId: msg.id, h };
}

let A: TOwnerWorld;
let B: TOwnerWorld;

const owner = (w: TOwnerWorld | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers: Record<string, string> = {}) =>
  env.app.inject({ method, url: `/api/v1/portal${url}`, headers: { ...(w ? w.h : {}), ...headers }, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  env = await createTestEnv({ now: NOW });
  org = await seedDemoOrg(env.ctx.db);
  staffH = {};
  for (const u of ['service1', 'sales1', 'manager1', 'service2', 'sales2']) staffH[u] = await login(env.app, u);
  A = await makeOwner('车主甲', '+8617011110001', 'P1001');
  B = await makeOwner('车主乙', '+8617011110002', 'P2002');
});
afterAll(() => env.close());

describe('sign-in routes', () => {
  it('400 for a malformed mobile or code, in words', async () => {
    const bad = await owner(null, 'POST', '/auth/code', { mobile: '12345' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ path: 'body.mobile' });
    const badCode = await owner(null, 'POST', '/auth/verify', { mobile: A.mobile, code: '12ab56' });
    expect(badCode.statusCode).toBe(400);
    expect(JSON.stringify(badCode.json())).toContain('6 位数字验证码');
  });

  it('answers 202 alike for known and unknown numbers, no faster for an unknown one; 429 with Retry-After', async () => {
    const ip = nextIp();
    env.clock.advance(120_000);
    try {
      const t0 = performance.now();
      const known = await env.app.inject({ method: 'POST', url: '/api/v1/portal/auth/code', payload: { mobile: A.mobile }, remoteAddress: ip });
      const t1 = performance.now();
      const unknown = await env.app.inject({ method: 'POST', url: '/api/v1/portal/auth/code', payload: { mobile: '+8617099990000' }, remoteAddress: ip });
      const t2 = performance.now();
      expect(known.statusCode).toBe(202);
      expect(unknown.statusCode).toBe(202);
      expect(unknown.body).toBe(known.body);
      expect(t2 - t1).toBeGreaterThanOrEqual(340);
      expect(t1 - t0).toBeGreaterThanOrEqual(340);
      const again = await env.app.inject({ method: 'POST', url: '/api/v1/portal/auth/code', payload: { mobile: A.mobile }, remoteAddress: ip });
      expect(again.statusCode).toBe(429);
      expect(again.headers['retry-after']).toBe('60');
      expect(again.json()).toMatchObject({ status: 429, retryAfterSeconds: 60, title: expect.stringContaining('60 秒后再试') });
    } finally {
      env.clock.set(NOW);
    }
  });

  it('sets an httpOnly SameSite=Lax session cookie for the portal API only and a readable CSRF cookie', async () => {
    const [c] = await env.ctx.db.insert(customers).values({ storeId: org.stores[0]!.id, name: '新车主', mobile: '+8617011110003' }).returning();
    const ip = nextIp();
    await env.app.inject({ method: 'POST', url: '/api/v1/portal/auth/code', payload: { mobile: '170 1111 0003' }, remoteAddress: ip });
    const code = await latestCode(env.ctx.db, c!.id);
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/portal/auth/verify', payload: { mobile: '17011110003', code }, remoteAddress: ip });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ customerId: c!.id, name: '新车主', mobileMasked: '170****0003', store: { name: '华辰领航北京亦庄店' } });
    const cookies = res.cookies as { name: string; httpOnly?: boolean; sameSite?: string; path?: string }[];
    expect(cookies.find((x) => x.name === OWNER_SESSION_COOKIE)).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/v1/portal' });
    expect(cookies.find((x) => x.name === OWNER_CSRF_COOKIE)).toMatchObject({ sameSite: 'Lax', path: '/' });
    expect(cookies.find((x) => x.name === OWNER_CSRF_COOKIE)?.httpOnly).toBeFalsy();
    expect(cookies.some((x) => x.name === 'baoke_session')).toBe(false);
  });

  it('keeps staff and owner sessions apart', async () => {
    expect((await owner(null, 'GET', '/me', undefined, staffH.service1)).statusCode).toBe(401);
    expect((await env.app.inject({ url: '/api/v1/customers', headers: A.h })).statusCode).toBe(401);
    expect((await owner(A, 'GET', '/me')).statusCode).toBe(200);
  });

  it('signs out: the session stops working and the cookies are cleared', async () => {
    const [c] = await env.ctx.db.insert(customers).values({ storeId: org.stores[0]!.id, name: '退出车主', mobile: '+8617011110004' }).returning();
    const h = await signInOwner(env.app, env.ctx.db, { id: c!.id, mobile: '+8617011110004' });
    const out = await env.app.inject({ method: 'POST', url: '/api/v1/portal/auth/sign-out', headers: h });
    expect(out.statusCode).toBe(200);
    expect((out.cookies as { name: string; value: string }[]).find((x) => x.name === OWNER_SESSION_COOKIE)?.value).toBe('');
    expect((await env.app.inject({ url: '/api/v1/portal/me', headers: h })).statusCode).toBe(401);
  });
});

const OWNER_ROUTES: { method: 'GET' | 'POST' | 'PUT'; url: string; body?: object }[] = [
  { method: 'GET', url: '/me' },
  { method: 'PUT', url: '/me/consents/sms', body: { granted: true } },
  { method: 'GET', url: '/home' },
  { method: 'GET', url: '/vehicles' },
  { method: 'GET', url: '/vehicles/00000000-0000-7000-8000-000000000000' },
  { method: 'GET', url: '/repair-orders/00000000-0000-7000-8000-000000000000' },
  { method: 'GET', url: '/sales-orders/00000000-0000-7000-8000-000000000000' },
  { method: 'GET', url: '/inbox' },
  { method: 'POST', url: '/inbox/read-all' },
  { method: 'POST', url: '/inbox/00000000-0000-7000-8000-000000000000/read' },
  { method: 'GET', url: '/appointments' },
  { method: 'GET', url: '/appointments/availability?vehicleId=00000000-0000-7000-8000-000000000000' },
  { method: 'POST', url: '/appointments', body: { vehicleId: '00000000-0000-7000-8000-000000000000', kind: 'maintenance', slotStart: bj('2026-11-24', '09:00') } },
  { method: 'POST', url: '/appointments/00000000-0000-7000-8000-000000000000/cancel', body: {} },
  { method: 'POST', url: '/appointments/00000000-0000-7000-8000-000000000000/reschedule', body: { slotStart: bj('2026-11-24', '09:00') } },
  { method: 'POST', url: '/loan-quotes', body: { priceFen: 200_000_00, downPaymentFen: 60_000_00, annualRatePct: 3.99, termMonths: 36 } },
  { method: 'POST', url: '/auth/sign-out-everywhere' },
];

describe('every owner route', () => {
  it('answers 401 without an owner session', async () => {
    for (const r of OWNER_ROUTES) {
      const res = await owner(null, r.method, r.url, r.body);
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json().title).toContain('请先登录车主端');
    }
  });

  it('answers 403 to an unsafe request without the CSRF header', async () => {
    for (const r of OWNER_ROUTES.filter((x) => x.method !== 'GET')) {
      const res = await env.app.inject({ method: r.method, url: `/api/v1/portal${r.url}`, headers: { cookie: A.h.cookie }, ...(r.body ? { payload: r.body } : {}) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
    }
  });
});

describe('scoping: an owner never reads or changes another owner’s data', () => {
  const foreign = () => [
    { method: 'GET' as const, url: `/vehicles/${B.vehicleId}` },
    { method: 'GET' as const, url: `/vehicles/${B.secondVehicleId}` },
    { method: 'GET' as const, url: `/repair-orders/${B.openRoId}` },
    { method: 'GET' as const, url: `/repair-orders/${B.closedRoId}` },
    { method: 'GET' as const, url: `/sales-orders/${B.orderId}` },
    { method: 'POST' as const, url: `/inbox/${B.messageId}/read` },
    { method: 'GET' as const, url: `/appointments/availability?vehicleId=${B.vehicleId}` },
    { method: 'POST' as const, url: '/appointments', body: { vehicleId: B.vehicleId, kind: 'maintenance', slotStart: bj('2026-11-26', '09:00') } },
    { method: 'POST' as const, url: `/appointments/${B.appointmentId}/cancel`, body: {} },
    { method: 'POST' as const, url: `/appointments/${B.appointmentId}/reschedule`, body: { slotStart: bj('2026-11-26', '09:00') } },
  ];
  const secretsOf = (w: TOwnerWorld) => [w.id, w.name, w.plate, w.vehicleId, w.secondVehicleId, w.openRoId, w.openRoNo, w.closedRoId, w.orderId, w.appointmentId, w.messageId];

  it('answers 404 (not 403) for any of B’s records, whichever route and id, and says nothing about them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: foreign().length - 1 }), fc.boolean(), async (i, asB) => {
        // Run each request as A against B's records, and (mirrored) as B against A's.
        const [me, them] = asB ? [B, A] : [A, B];
        const r = (asB ? mirrored() : foreign())[i]!;
        const res = await owner(me, r.method, r.url, r.body);
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
        for (const s of secretsOf(them).slice(1)) expect(res.body).not.toContain(s);
      }),
      { numRuns: 60 },
    );
    // B's appointment is untouched by all that
    const mine = await owner(B, 'GET', '/appointments');
    expect(mine.json().items.find((a: { id: string }) => a.id === B.appointmentId)).toMatchObject({ status: 'booked', slotStart: '2026-11-25T02:00:00.000Z' });
  });

  /** The same routes with A's ids, for B. */
  const mirrored = () =>
    foreign().map((r) => ({
      ...r,
      url: r.url
        .replace(B.vehicleId, A.vehicleId)
        .replace(B.secondVehicleId, A.secondVehicleId)
        .replace(B.openRoId, A.openRoId)
        .replace(B.closedRoId, A.closedRoId)
        .replace(B.orderId, A.orderId)
        .replace(B.messageId, A.messageId)
        .replace(B.appointmentId, A.appointmentId),
      body: r.body && 'vehicleId' in r.body ? { ...r.body, vehicleId: A.vehicleId } : r.body,
    }));

  it('lists only the owner’s own records on every read route', async () => {
    for (const url of ['/me', '/home', '/vehicles', '/inbox', '/appointments', `/vehicles/${A.vehicleId}`]) {
      const res = await owner(A, 'GET', url);
      expect(res.statusCode, url).toBe(200);
      for (const s of secretsOf(B)) expect(res.body, `${url} leaks ${s}`).not.toContain(s);
    }
    const garage = (await owner(A, 'GET', '/vehicles')).json();
    expect(garage.vehicles.map((v: { id: string }) => v.id).sort()).toEqual([A.vehicleId, A.secondVehicleId].sort());
  });
});

describe('my cars', () => {
  it('shows each car with its workshop stages, amounts, delivery milestones, next appointment and history', async () => {
    const res = await owner(A, 'GET', `/vehicles/${A.vehicleId}`);
    expect(res.statusCode).toBe(200);
    const v = res.json();
    expect(v).toMatchObject({ id: A.vehicleId, plate: A.plate, lastMileageKm: 8000, status: 'in_use' });
    expect(v.openRepairOrder).toMatchObject({ id: A.openRoId, stage: 'diagnosis', kind: 'repair', labourFen: 48_000, partsFen: 120_000, totalFen: 168_000, advisorName: '孙丽' });
    expect(v.openRepairOrder.stages.map((s: { stage: string }) => s.stage)).toEqual(['received', 'diagnosis']);
    expect(v.openRepairOrder.stages[1]).toMatchObject({ note: '前轮刹车片磨损' });
    expect(v.openRepairOrder.items).toEqual([{ name: '前刹车片', kind: 'part', quantity: 1, amountFen: 120_000 }]);
    expect(v.history).toEqual([expect.objectContaining({ id: A.closedRoId, kind: 'first_service', totalFen: 50_000, stage: 'delivered' })]);
    const second = (await owner(A, 'GET', `/vehicles/${A.secondVehicleId}`)).json();
    expect(second.openSalesOrder).toMatchObject({ id: A.orderId, milestone: 'inspection', consultantName: '张伟' });
    expect(second.openSalesOrder.milestones.map((m: { milestone: string }) => m.milestone)).toEqual(['ordered', 'inspection']);
    expect(second.nextAppointment).toMatchObject({ id: A.appointmentId, kind: 'inspection', changeable: true });
    const ro = (await owner(A, 'GET', `/repair-orders/${A.closedRoId}`)).json();
    expect(ro).toMatchObject({ id: A.closedRoId, closedAt: '2026-06-01T08:00:00.000Z' });
  });

  it('home: greeting name, cars at a glance, next appointment, unread count', async () => {
    const h = (await owner(A, 'GET', '/home')).json();
    expect(h).toMatchObject({ name: '车主甲', store: { name: '华辰领航北京亦庄店' }, nextAppointment: { id: A.appointmentId }, unreadCount: 1 });
    expect(h.garage.vehicles).toHaveLength(2);
  });
});

describe('inbox', () => {
  it('lists delivered inbox messages with read state; reading is per owner', async () => {
    const list = (await owner(A, 'GET', '/inbox')).json();
    expect(list).toMatchObject({ unread: 1, nextCursor: null, items: [{ id: A.messageId, subject: '给车主甲的消息', read: false }] });
    expect((await owner(A, 'POST', `/inbox/${A.messageId}/read`)).statusCode).toBe(200);
    expect((await owner(A, 'POST', `/inbox/${A.messageId}/read`)).statusCode).toBe(200);
    expect((await owner(A, 'GET', '/inbox')).json()).toMatchObject({ unread: 0, items: [{ read: true }] });
    expect((await owner(B, 'GET', '/inbox')).json()).toMatchObject({ unread: 1 });
    expect((await owner(B, 'POST', '/inbox/read-all')).statusCode).toBe(200);
    expect((await owner(B, 'GET', '/home')).json().unreadCount).toBe(0);
  });
});

describe('profile and consents', () => {
  it('records a marketing consent answer with source portal through the customers module', async () => {
    const res = await owner(A, 'PUT', '/me/consents/wechat', { granted: true });
    expect(res.statusCode).toBe(200);
    expect(res.json().consents.find((c: { channel: string }) => c.channel === 'wechat')).toMatchObject({ granted: true, source: 'portal' });
    const withdraw = await owner(A, 'PUT', '/me/consents/wechat', { granted: false });
    expect(withdraw.json().consents.find((c: { channel: string }) => c.channel === 'wechat')).toMatchObject({ granted: false, source: 'portal' });
    const [row] = await env.ctx.db.select().from(customerConsents).where(and(eq(customerConsents.customerId, A.id), eq(customerConsents.channel, 'wechat')));
    expect(row).toMatchObject({ purpose: 'marketing', granted: false, source: 'portal', recordedBy: null });
    expect((await owner(A, 'PUT', '/me/consents/fax', { granted: true })).statusCode).toBe(400);
    const staffView = (await env.app.inject({ url: `/api/v1/customers/${A.id}`, headers: staffH.service1 })).json();
    expect(staffView.consents.find((c: { channel: string }) => c.channel === 'wechat')).toMatchObject({ granted: false, source: 'portal' });
  });
});

describe('appointments in the portal', () => {
  it('books a free slot of the car’s store (201), replays an Idempotency-Key (200), moves and cancels it', async () => {
    const av = (await owner(A, 'GET', `/appointments/availability?vehicleId=${A.vehicleId}&from=2026-11-24&days=2`)).json();
    expect(av.days).toHaveLength(2);
    const slot = av.days[0].slots.find((s: { time: string }) => s.time === '11:00');
    expect(slot).toMatchObject({ bookable: true, capacity: 4 });
    const body = { vehicleId: A.vehicleId, kind: 'maintenance', slotStart: slot.start, note: '换机油' };
    const booked = await owner(A, 'POST', '/appointments', body, { 'idempotency-key': 'tap-1' });
    expect(booked.statusCode).toBe(201);
    expect(booked.json()).toMatchObject({ status: 'booked', kind: 'maintenance', note: '换机油', vehicle: { id: A.vehicleId, plate: A.plate } });
    const replay = await owner(A, 'POST', '/appointments', body, { 'idempotency-key': 'tap-1' });
    expect(replay.statusCode).toBe(200);
    expect(replay.json().id).toBe(booked.json().id);
    const dup = await owner(A, 'POST', '/appointments', { ...body, slotStart: bj('2026-11-24', '11:30') });
    expect(dup.statusCode).toBe(409);
    const moved = await owner(A, 'POST', `/appointments/${booked.json().id}/reschedule`, { slotStart: bj('2026-11-24', '14:00') });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().slotStart).toBe('2026-11-24T06:00:00.000Z');
    const cancelled = await owner(A, 'POST', `/appointments/${booked.json().id}/cancel`, { reason: '临时出差' });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', changeable: false });
    const bad = await owner(A, 'POST', '/appointments', { ...body, slotStart: bj('2026-11-24', '11:10') });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().title).toContain('请选择列表中的预约时段');
    expect((await owner(A, 'POST', '/appointments', { ...body, kind: 'wash' })).statusCode).toBe(400);
  });
});

describe('loan calculator', () => {
  it('quotes the monthly payment and records the use as behaviour', async () => {
    const res = await owner(A, 'POST', '/loan-quotes', { priceFen: 150_000_00, downPaymentFen: 50_000_00, annualRatePct: 4.9, termMonths: 36 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ principalFen: 100_000_00, monthlyPaymentFen: 2_992_60, termMonths: 36 });
    const [ev] = await env.ctx.db.select().from(behaviourEvents).where(and(eq(behaviourEvents.customerId, A.id), eq(behaviourEvents.kind, 'loan.calculated')));
    expect(ev?.payload).toMatchObject({ priceFen: 150_000_00, monthlyPaymentFen: 2_992_60, source: 'portal' });
    const bad = await owner(A, 'POST', '/loan-quotes', { priceFen: 100_00, downPaymentFen: 200_00, annualRatePct: 3, termMonths: 12 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].message).toContain('首付不能高于车价');
  });
});

describe('staff: an owner’s portal access', () => {
  it('shows and revokes an owner’s sessions (own store only, audited)', async () => {
    const [c] = await env.ctx.db.insert(customers).values({ storeId: org.stores[0]!.id, name: '丢手机的车主', mobile: '+8617011110005' }).returning();
    const h = await signInOwner(env.app, env.ctx.db, { id: c!.id, mobile: '+8617011110005' });
    const access = await env.app.inject({ url: `/api/v1/portal-access/${c!.id}`, headers: staffH.service1 });
    expect(access.statusCode).toBe(200);
    expect(access.json()).toMatchObject({ activeSessions: 1, lastSignInAt: NOW.replace('Z', '.000Z') });
    expect((await env.app.inject({ url: `/api/v1/portal-access/${c!.id}`, headers: staffH.service2 })).statusCode).toBe(404);
    expect((await env.app.inject({ url: `/api/v1/portal-access/${c!.id}` })).statusCode).toBe(401);
    const revoke = await env.app.inject({ method: 'POST', url: `/api/v1/portal-access/${c!.id}/revoke`, headers: staffH.service1 });
    expect(revoke.json()).toEqual({ revoked: 1 });
    expect((await env.app.inject({ url: '/api/v1/portal/me', headers: h })).statusCode).toBe(401);
  });
});
