import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TClock } from '../../../contracts/complaints.js';
import type { Actor } from '../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { actorFor, seedCustomer } from '../messaging/fixtures.js';
import { complaintClocks } from './schema.js';
import type { TComplaintsService } from './service.js';

let env: TestEnv;
let org: SeededOrg;
let svc: TComplaintsService;
let store1: string;
const as = (u: string): Actor => actorFor(org.staff.get(u)!);
const id = (u: string) => org.staff.get(u)!.id;
const NOW = '2026-11-23T02:00:00Z'; // Monday 10:00 in Shanghai
const MIN = 60_000;

beforeAll(async () => {
  env = await createTestEnv({ now: NOW });
  org = await seedDemoOrg(env.ctx.db);
  svc = env.ctx.services.complaints;
  store1 = org.stores[0]!.id;
});
afterAll(() => env.close());
beforeEach(() => env.clock.set(NOW));

async function newComplaint(o: { severity?: 'normal' | 'urgent'; type?: 'attitude' | 'technical' | 'fee' | 'other' } = {}) {
  const c = await seedCustomer(env.ctx.db, store1);
  return svc.create(as('cx1'), { customerId: c.id, channel: 'hotline', severity: o.severity ?? 'normal', type: o.type ?? 'attitude', title: '等待时间太长', description: '保养等了4个小时' });
}
const clock = (c: { clocks: TClock[] }, stage: string): TClock => c.clocks.find((k) => k.stage === stage)!;

describe('intake and routing', () => {
  it('routes by type with the defaults: fee → store manager, attitude → service, other → CX', async () => {
    expect((await newComplaint({ type: 'fee' })).assignee?.id).toBe(id('manager1'));
    expect((await newComplaint({ type: 'attitude' })).assignee?.id).toBe(id('service1'));
    expect((await newComplaint({ type: 'other' })).assignee?.id).toBe(id('cx1'));
  });

  it('follows an edited rule naming a person', async () => {
    await svc.putRouting(as('manager1'), undefined, { rules: [{ type: 'technical', role: 'service', staffId: id('manager1') }] });
    expect((await newComplaint({ type: 'technical' })).assignee?.id).toBe(id('manager1'));
    await svc.putRouting(as('manager1'), undefined, { rules: [{ type: 'technical', role: 'service', staffId: null }] });
  });

  it('starts the acknowledge (1 h) and resolve clocks (urgent 4 h, normal 24 h)', async () => {
    const u = await newComplaint({ severity: 'urgent' });
    expect(clock(u, 'acknowledge').dueAt!.toISOString()).toBe('2026-11-23T03:00:00.000Z');
    expect(clock(u, 'resolve').dueAt!.toISOString()).toBe('2026-11-23T06:00:00.000Z');
    const n = await newComplaint();
    expect(clock(n, 'resolve').dueAt!.toISOString()).toBe('2026-11-24T02:00:00.000Z');
    expect(n.number).toMatch(/^TS20261123-\d{5}$/);
  });

  it('counts business hours in the store time zone when the store sets them', async () => {
    await svc.putSettings(as('manager1'), undefined, { ...(await svc.getSettings(as('manager1'), undefined)), businessHours: { days: [1, 2, 3, 4, 5, 6], open: '08:30', close: '18:00' } });
    env.clock.set('2026-11-23T09:30:00Z'); // Mon 17:30 Shanghai: 30 min left today
    const c = await newComplaint();
    expect(clock(c, 'acknowledge').dueAt!.toISOString()).toBe('2026-11-24T01:00:00.000Z'); // Tue 09:00
    const s = await svc.getSettings(as('manager1'), undefined);
    await svc.putSettings(as('manager1'), undefined, { ...s, businessHours: null });
  });
});

describe('the flow', () => {
  it('acknowledge → resolve → feedback → revisit (satisfied) closes it, with every step on the timeline', async () => {
    const c = await newComplaint();
    env.clock.advance(30 * MIN);
    await svc.acknowledge(as('service1'), c.id, '已致电客户致歉');
    env.clock.advance(60 * MIN);
    const r = await svc.resolve(as('service1'), c.id, { rootCause: '工位不足', resolution: '增加快保工位，赠送免费洗车' });
    expect(r.status).toBe('resolved');
    expect(clock(r, 'resolve').metAt).not.toBeNull();
    expect(clock(r, 'feedback').running).toBe(true);
    await svc.compensate(as('service1'), c.id, { kind: 'coupon', amount: 5000, note: '免费洗车券' });
    await svc.feedback(as('service1'), c.id, '已告知处理结果');
    await expect(svc.reopen(as('service1'), c.id, 'x')).resolves.toMatchObject({ status: 'reopened' });
    await svc.resolve(as('service1'), c.id, { rootCause: '工位不足', resolution: '再次处理' });
    await svc.feedback(as('service1'), c.id, '已告知');
    const closed = await svc.revisit(as('cx1'), c.id, { satisfied: true, score: 5, note: '客户满意' });
    expect(closed).toMatchObject({ status: 'closed', satisfied: true, reopenCount: 1 });
    const d = await svc.get(as('cx1'), c.id);
    expect(d.timeline.map((e) => e.kind)).toEqual(['received', 'assigned', 'acknowledged', 'resolved', 'compensation', 'feedback', 'reopened', 'resolved', 'feedback', 'revisit', 'closed']);
    // Issued through loyalty: a ¥50 coupon in the owner's wallet, once.
    expect(d.compensations).toMatchObject([{ kind: 'coupon', amount: 5000, status: 'issued' }]);
    const issued = await env.ctx.db.execute<{ n: number; value_fen: number }>(sql`select count(*)::int as n, max(value_fen)::int as value_fen from coupons where customer_id = ${c.customer.id} and source = 'compensation'`);
    expect(issued.rows[0]).toEqual({ n: 1, value_fen: 5000 });
  });

  it('cannot close without the revisit; an unsatisfied revisit reopens with a fresh resolve clock', async () => {
    const c = await newComplaint({ severity: 'urgent' });
    await expect(svc.revisit(as('cx1'), c.id, { satisfied: true })).rejects.toMatchObject({ status: 422 });
    await svc.acknowledge(as('cx1'), c.id, '');
    await svc.resolve(as('cx1'), c.id, { rootCause: '沟通', resolution: '致歉' });
    await svc.feedback(as('cx1'), c.id, '');
    env.clock.advance(24 * 60 * MIN);
    const r = await svc.revisit(as('cx1'), c.id, { satisfied: false, note: '仍不满意' });
    expect(r.status).toBe('reopened');
    expect(clock(r, 'resolve').dueAt!.getTime()).toBe(env.clock.now().getTime() + 4 * 60 * MIN);
    expect(r.clocks.map((k) => k.stage)).toEqual(['acknowledge', 'resolve']);
  });

  it('pausing stops every running clock and resuming moves the deadlines by the pause', async () => {
    const c = await newComplaint();
    env.clock.advance(20 * MIN);
    const p = await svc.pause(as('cx1'), c.id, '等待配件');
    expect(clock(p, 'acknowledge')).toMatchObject({ running: false, dueAt: null, remainingMinutes: 40 });
    env.clock.advance(5 * 60 * MIN);
    const r = await svc.resume(as('cx1'), c.id, '配件到店');
    expect(clock(r, 'acknowledge').dueAt!.getTime()).toBe(env.clock.now().getTime() + 40 * MIN);
  });

  it('another store cannot see or act on it', async () => {
    const c = await newComplaint();
    await expect(svc.get(as('cx2'), c.id)).rejects.toMatchObject({ status: 404 });
    await expect(svc.acknowledge(as('service2'), c.id, '')).rejects.toMatchObject({ status: 404 });
    await expect(svc.acknowledge(as('marketing1'), c.id, '')).rejects.toMatchObject({ status: 403 });
  });
});

describe('warnings and the escalation chain', () => {
  beforeEach(async () => {
    await env.ctx.db.execute(sql`update complaint_clocks set met_at = ${NOW}::timestamptz where met_at is null`);
  });

  it('warns before the breach, escalates to the store manager on breach, then to the CX officer — each once', async () => {
    const c = await newComplaint({ severity: 'urgent', type: 'technical' });
    env.clock.advance(48 * MIN + 1); // 80% of the 1 h acknowledge budget
    expect(await svc.sweep()).toEqual({ warned: 1, escalated: 0 });
    expect(await svc.sweep()).toEqual({ warned: 0, escalated: 0 });
    env.clock.set('2026-11-23T03:00:00Z'); // exactly at the deadline: not yet breached
    expect((await svc.sweep()).escalated).toBe(0);
    env.clock.set('2026-11-23T03:00:01Z');
    expect((await svc.sweep()).escalated).toBe(1);
    let d = await svc.get(as('manager1'), c.id);
    expect(d).toMatchObject({ escalationLevel: 1, escalatedTo: { id: id('manager1') }, breached: true });
    expect(await svc.sweep()).toEqual({ warned: 0, escalated: 0 });
    env.clock.set('2026-11-23T05:00:02Z'); // two hours after the breach: on to CX; resolve (4 h) warned meanwhile
    const s = await svc.sweep();
    expect(s.escalated).toBe(1);
    d = await svc.get(as('manager1'), c.id);
    expect(d).toMatchObject({ escalationLevel: 2, escalatedTo: { id: id('cx1') } });
    expect(d.timeline.filter((e) => e.kind === 'escalated').map((e) => e.detail.level)).toEqual([1, 2]);
    env.clock.set('2026-11-23T09:00:00Z');
    await svc.sweep();
    const k = await env.ctx.db.select().from(complaintClocks).where(eq(complaintClocks.complaintId, c.id));
    expect(k.find((x) => x.stage === 'acknowledge')!.escalationLevel).toBe(2);
    expect(k.find((x) => x.stage === 'resolve')!.escalationLevel).toBe(1);
  });

  it('concurrent sweeps escalate each clock once', async () => {
    await newComplaint();
    env.clock.set('2026-11-23T03:30:00Z');
    const rs = await Promise.all([svc.sweep(), svc.sweep(), svc.sweep()]);
    expect(rs.reduce((a, r) => a + r.escalated, 0)).toBe(1);
  });

  it('a paused complaint does not escalate', async () => {
    const c = await newComplaint();
    await svc.pause(as('cx1'), c.id, '客户出差');
    env.clock.set('2026-11-25T00:00:00Z');
    expect(await svc.sweep()).toEqual({ warned: 0, escalated: 0 });
  });
});
